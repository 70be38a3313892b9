"""`s2fgan eval` and `s2fgan evaluators train`: argument wiring only, heavy imports inside."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from s2fgan.errors import UserError

logger = logging.getLogger(__name__)

ORACLE = "oracle"


def load_evaluators(folder: Path | None = None):
    """The shipped (or given) evaluator networks, in eval mode."""
    from s2fgan.evaluation.networks import AttributeClassifier, Segmenter
    from s2fgan.evaluation.train_arguments import DEFAULT_WEIGHTS

    folder = Path(folder) if folder else DEFAULT_WEIGHTS
    for part in ("classifier", "segmenter"):
        if not (folder / part / "config.json").exists():
            raise UserError(
                f"no evaluator weights in {folder / part}; train them with `s2fgan evaluators "
                f"train --out {folder}`"
            )
    classifier = AttributeClassifier.from_pretrained(folder / "classifier").eval()
    segmenter = Segmenter.from_pretrained(folder / "segmenter").eval()
    return classifier, segmenter


def eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model",
        help=(
            f"a saved pipeline folder, a Hub repo id, or '{ORACLE}' (the engine's ground truth "
            "as a stand-in)"
        ),
    )
    parser.add_argument("--out", type=Path, required=True, help="results JSON to write")
    parser.add_argument("--plots", type=Path, help="folder for the plots (optional)")
    parser.add_argument("--evaluators", type=Path, help="evaluator weights (default: shipped)")
    parser.add_argument("--num", type=int, default=512, help="held-out portraits (default 512)")
    parser.add_argument("--num-edit", type=int, default=128, help="faces edited (default 128)")
    parser.add_argument("--num-swap", type=int, default=128, help="faces swapped (default 128)")
    parser.add_argument(
        "--num-style", type=int, default=128, help="portraits per drawing style (default 128)"
    )
    parser.add_argument("--resolution", type=int, default=128)


def _model(name: str, config):
    if name == ORACLE:
        from s2fgan.constants import HELDOUT_SEEDS
        from s2fgan.data import SyntheticPortraits
        from s2fgan.data.sketch_styles import SKETCH_STYLES
        from s2fgan.evaluation.protocol import OracleModel

        seeds = list(HELDOUT_SEEDS)[: max(config.num_portraits, config.num_style)]
        return OracleModel(
            SyntheticPortraits(config.resolution),
            seeds,
            sketch_styles=SKETCH_STYLES,
            style_count=config.num_style,
        )
    from s2fgan.evaluation.pipeline_model import PipelineModel
    from s2fgan.pipelines.loading import load_pipeline

    try:
        # A folder, or a Hub repo id (or the cache, offline). On the CPU in float32, so that
        # the figures do not depend on the machine.
        pipe = load_pipeline(name, device="cpu")
    except UserError as error:
        raise UserError(
            f"{name!r} is neither '{ORACLE}' nor a pipeline folder or Hub repo id: {error}"
        ) from None
    return PipelineModel(pipe, config.resolution)


def run_eval(args: argparse.Namespace) -> int:
    from s2fgan.evaluation.evaluate import EvalConfig, evaluate
    from s2fgan.evaluation.plots import attribute_bars, example_grid, region_bars, style_grid

    if args.out.suffix.lower() != ".json":
        raise UserError(f"--out must be a .json file, got {str(args.out)!r}")
    try:
        config = EvalConfig(
            resolution=args.resolution,
            num_portraits=args.num,
            num_edit=args.num_edit,
            num_swap=args.num_swap,
            num_style=args.num_style,
        )
    except ValueError as error:
        raise UserError(str(error)) from None
    classifier, segmenter = load_evaluators(args.evaluators)
    model = _model(args.model, config)
    results, examples = evaluate(model, classifier, segmenter, config)
    results["model"] = args.model
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    figures = results["figures"]
    print(f"sketch_miou {figures['sketch_miou']:.3f}")
    for style, score in figures.get("sketch_miou_style", {}).items():
        print(f"sketch_miou_style {style:<8} {score:.3f}")
    if args.plots:
        args.plots.mkdir(parents=True, exist_ok=True)
        attribute_bars(figures, args.plots / "attributes.png")
        region_bars(figures, args.plots / "regions.png")
        example_grid(examples, args.plots / "examples.png")
        names = ("attributes.png", "regions.png", "examples.png")
        if examples["styles"]:
            style_grid(examples["styles"], figures, args.plots / "styles.png")
            names += ("styles.png",)
        print("wrote " + ", ".join(str(args.plots / name) for name in names))
    return 0


def train_arguments(parser: argparse.ArgumentParser) -> None:
    from s2fgan.evaluation.train_arguments import add_arguments

    add_arguments(parser)


def run_train(args: argparse.Namespace) -> int:
    from s2fgan.evaluation.train_evaluators import train

    report = train(args)
    print(json.dumps(report, indent=2))
    return 0
