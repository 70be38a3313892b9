"""`s2fgan train`: flags for the fields of TrainConfig, heavy imports inside."""

from __future__ import annotations

import argparse
from pathlib import Path

from s2fgan.errors import UserError
from s2fgan.training.config import TrainConfig, load_recipes

_FLAGS = (
    "data",
    "resolution",
    "sketch_style",
    "framing",
    "batch_size",
    "render_workers",
    "render_reuse",
    "workers",
    "steps",
    "max_minutes",
    "segment_minutes",
    "init_from",
    "init_step",
    "d_warmup_steps",
    "lr",
    "lr_d",
    "lr_decay_tail",
    "lr_final",
    "lr_final_d",
    "seed",
    "out_dir",
    "log_every",
    "sample_every",
    "checkpoint_every",
    "mixed_precision",
    "w_reconstruction",
    "w_mask",
    "w_mask_dice",
    "mask_balance",
    "w_semantic",
    "w_attribute",
    "w_edit",
    "w_edit_delta",
    "w_edit_class",
    "w_edit_cycle",
    "edit_boost",
    "edit_flips",
    "w_adversarial",
    "random_fakes_every",
    "w_domain",
)


def train_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = TrainConfig()
    for name in _FLAGS:
        value = getattr(defaults, name)
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=type(value),
            default=argparse.SUPPRESS,  # only the flags given override --config
            help=f"(default: {value})",
        )
    parser.add_argument(
        "--no-compile-engine",
        dest="compile_engine",
        action="store_false",
        default=argparse.SUPPRESS,
        help="eager data engine",
    )
    parser.add_argument(
        "--config",
        type=Path,
        action="append",
        default=[],
        help="a recipe: JSON of TrainConfig fields (configs/*.json), with the recipe it "
        'layers on when it names one ("base"); a later --config overrides an earlier one, '
        "and the flags given override them all",
    )
    parser.add_argument(
        "--export-pipeline", type=Path, help="save the trained SketchToFacePipeline here"
    )


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """TrainConfig's defaults, overridden by the --config files in order (the first with its
    bases, `load_recipes`), overridden by the flags given."""
    values = load_recipes(args.config)
    values.update(
        {name: getattr(args, name) for name in (*_FLAGS, "compile_engine") if name in args}
    )
    if isinstance(values.get("betas"), list):
        values["betas"] = tuple(values["betas"])
    return TrainConfig(**values)


def export_pipeline(final: Path, out: Path, styles: int = 256) -> Path:
    """Assemble the trained components into a saved SketchToFacePipeline folder, with a
    StyleBank of `styles` encoded training portraits (0: none)."""
    from s2fgan.pipelines import SketchToFacePipeline
    from s2fgan.training.style_bank import build_style_bank

    classes = SketchToFacePipeline.component_classes()
    parts = {name: cls.from_pretrained(final / name) for name, cls in classes.items()}
    if styles:
        parts["style_bank"] = build_style_bank(SketchToFacePipeline(**parts), size=styles)
    SketchToFacePipeline(**parts).save_pretrained(out)
    return out


def run_train(args: argparse.Namespace) -> int:
    from accelerate import PartialState

    from s2fgan.training.loop import train

    try:
        config = config_from_args(args)
    except ValueError as error:  # a config file that is missing, unknown or malformed
        raise UserError(str(error)) from None
    final = train(config)
    if not PartialState().is_main_process:  # under several processes, one reports and exports
        return 0
    print(f"trained networks in {final}")
    if args.export_pipeline:
        print(f"pipeline saved to {export_pipeline(final, args.export_pipeline)}")
    return 0


def styles_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="a saved pipeline folder")
    parser.add_argument(
        "--size", type=int, default=256, help="styles, one per portrait (default: 256)"
    )
    parser.add_argument(
        "--first-seed", type=int, default=0, help="first TRAIN seed encoded (default: 0)"
    )


def run_styles(args: argparse.Namespace) -> int:
    from s2fgan.training.style_bank import add_style_bank

    try:
        bank = add_style_bank(args.folder, size=args.size, first_seed=args.first_seed)
    except ValueError as error:
        raise UserError(str(error)) from None
    print(f"{args.folder}/style_bank: {bank.config.size} styles from {bank.config.source}")
    return 0
