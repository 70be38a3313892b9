"""The `s2fgan` command line.

Each subcommand is one small function `run(args) -> exit code` plus one function that adds its
arguments, registered in `COMMANDS` by its path of words (`("data", "preview")`). Mistakes in
the command line or its inputs end with a one-line message and a non-zero exit code, never a
traceback; heavy imports (torch, the data engine) happen inside the subcommands, so that
`s2fgan --version` and `--help` answer at once.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from s2fgan.errors import UserError
from s2fgan.evaluation import commands as eval_commands
from s2fgan.hub import commands as hub_commands
from s2fgan.pipelines import commands as pipe_commands
from s2fgan.training import commands as train_commands
from s2fgan.version import __version__

PROG = "s2fgan"


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line: `s2fgan data preview: error: ...`."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# ---- argument types


def _positive_int(text: str) -> int:
    value = _int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--resolution", type=_int, default=128, help="portrait size in pixels (default: 128)"
    )
    parser.add_argument(
        "--seed",
        type=_non_negative_int,
        default=0,
        help="portrait i uses seed SEED + i (default: 0)",
    )


def _engine(resolution: int, sketch_style: str = "drawn", framing: bool = False):
    from s2fgan.data import SyntheticPortraits

    try:
        return SyntheticPortraits(
            resolution=resolution, sketch_style=_sketch_style(sketch_style), framing=framing
        )
    except ValueError as error:
        raise UserError(str(error)) from None


# ---- s2fgan data preview


def _sketch_style(text: str) -> str | dict[str, float]:
    """'outline' -> 'outline'; 'drawn=0.3,mouse=0.7' -> {'drawn': 0.3, 'mouse': 0.7}."""
    if "=" not in text:
        return text
    weights = {}
    for item in text.split(","):
        name, _, weight = item.partition("=")
        try:
            weights[name.strip()] = float(weight)
        except ValueError:
            raise UserError(f"--sketch-style weight of {name.strip()!r} is not a number") from None
    return weights


def _data_preview_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=_positive_int, default=16, help="portraits (default: 16)")
    parser.add_argument("--out", type=Path, required=True, help="PNG file to write")
    parser.add_argument(
        "--columns", type=_positive_int, default=4, help="cells per row (default: 4)"
    )
    parser.add_argument(
        "--sketch-style",
        default="drawn",
        help="drawing style: drawn, xdog, outline, mouse, marker, sparse, heldout, mixed, all, "
        "or weights such as drawn=0.3,mouse=0.7 (default: drawn)",
    )
    parser.add_argument(
        "--framing", action="store_true", help="scale and move each head on the page"
    )
    _add_engine_arguments(parser)


def data_preview(args: argparse.Namespace) -> int:
    from s2fgan.data.export import render_chunked
    from s2fgan.data.preview import preview_grid

    if args.out.suffix.lower() != ".png":
        raise UserError(f"--out must be a .png file, got {str(args.out)!r}")
    if args.out.is_dir():
        raise UserError(f"--out {args.out} is a folder; give a .png file name")
    engine = _engine(args.resolution, args.sketch_style, args.framing)
    seeds = range(args.seed, args.seed + args.n)
    batch = render_chunked(engine, seeds, batch_size=64, progress=args.n > 64)
    grid = preview_grid(batch, columns=args.columns)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    grid.save(args.out, format="PNG")
    width, height = grid.size
    print(
        f"wrote {args.out}: {args.n} portraits, seeds {seeds[0]}..{seeds[-1]}, {width}x{height} px"
    )
    return 0


# ---- s2fgan data export


def _data_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=_positive_int, required=True, help="portraits to write")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (new or empty)")
    _add_engine_arguments(parser)
    parser.add_argument(
        "--batch-size", type=_positive_int, default=64, help="portraits per render (default: 64)"
    )
    parser.add_argument(
        "--color-masks", action="store_true", help="also write masks_color/<seed>.png"
    )
    parser.add_argument(
        "--layout",
        choices=("engine", "celebamask-hq"),
        default="engine",
        help="the engine's folders (default), or CelebAMask-HQ's published layout, which "
        "`s2fgan train --data FOLDER` reads",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a previous export in a non-empty --out (other files there are kept)",
    )


def data_export(args: argparse.Namespace) -> int:
    from s2fgan.data.export import export_portraits

    # Checked before rendering anything, so a refused folder costs nothing and loses nothing.
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"--out {args.out} exists and is not a folder")
    if not args.overwrite and args.out.is_dir() and any(args.out.iterdir()):
        raise UserError(
            f"--out {args.out} is not empty; choose an empty folder, or pass --overwrite "
            "to replace a previous export there"
        )
    engine = _engine(args.resolution)
    seeds = range(args.seed, args.seed + args.n)
    if args.layout == "celebamask-hq":
        from s2fgan.data.export import export_celebamask_hq

        index = export_celebamask_hq(
            engine, seeds, args.out, batch_size=args.batch_size, overwrite=args.overwrite
        )
        print(f"wrote {args.n} portraits (seeds {seeds[0]}..{seeds[-1]}) to {args.out}, {index}")
        return 0
    index = export_portraits(
        engine,
        seeds,
        args.out,
        batch_size=args.batch_size,
        progress=True,
        overwrite=args.overwrite,
        color_masks=args.color_masks,
    )
    print(f"wrote {args.n} portraits (seeds {seeds[0]}..{seeds[-1]}) to {args.out}, index {index}")
    return 0


# ---- the table of subcommands


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]  # words after `s2fgan`, e.g. ("data", "preview")
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


GROUPS: dict[tuple[str, ...], str] = {
    ("data",): "preview or export the synthetic portrait data set",
    ("evaluators",): "the evaluator networks that `s2fgan eval` judges with",
}

COMMANDS: tuple[Command, ...] = (
    Command(
        ("data", "preview"),
        "write a PNG grid of synthetic portraits: image | mask | sketch, seed and attributes",
        _data_preview_arguments,
        data_preview,
    ),
    Command(
        ("data", "export"),
        "write synthetic portraits as PNG images, masks and sketches plus attributes.jsonl",
        _data_export_arguments,
        data_export,
    ),
    Command(
        ("generate",),
        "a portrait from a sketch, a photo, a saved code or a seed (PNG, mask, code)",
        pipe_commands.generate_arguments,
        pipe_commands.run_generate,
    ),
    Command(
        ("edit",),
        "set attribute strengths (--attr Smiling=2) on a face, e.g. a saved --code",
        pipe_commands.generate_arguments,
        pipe_commands.run_edit,
    ),
    Command(
        ("swap",),
        "take regions (hair, eyes, ...) of a face from a donor face",
        pipe_commands.swap_arguments,
        pipe_commands.run_swap,
    ),
    Command(
        ("train",),
        "train the networks on synthetic portraits (Accelerate: CPU, one or many GPUs)",
        train_commands.train_arguments,
        train_commands.run_train,
    ),
    Command(
        ("styles",),
        "add a style bank to a saved pipeline (the colours a seed gives a sketch's portrait)",
        train_commands.styles_arguments,
        train_commands.run_styles,
    ),
    Command(
        ("eval",),
        "score a model on the held-out synthetic split: results JSON and plots",
        eval_commands.eval_arguments,
        eval_commands.run_eval,
    ),
    Command(
        ("evaluators", "train"),
        "train the evaluator networks from scratch on the engine's TRAIN seeds",
        eval_commands.train_arguments,
        eval_commands.run_train,
    ),
    Command(
        ("card",),
        "render a weights folder's model card (README.md) from card.json and results.json",
        hub_commands.card_arguments,
        hub_commands.run_card,
    ),
    Command(
        ("push",),
        "upload a weights folder to a Hugging Face Hub model repo",
        hub_commands.push_arguments,
        hub_commands.run_push,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="s2fgan: sketch-to-face generation with attribute sliders and region swaps.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = {(): parser.add_subparsers(dest="command", metavar="COMMAND", required=True)}
    for command in COMMANDS:
        for depth in range(1, len(command.path)):
            group = command.path[:depth]
            if group not in subparsers:
                help_text = GROUPS[group]
                sub = subparsers[group[:-1]].add_parser(
                    group[-1], help=help_text, description=help_text
                )
                subparsers[group] = sub.add_subparsers(
                    dest="_".join(group) + "_command", metavar="COMMAND", required=True
                )
        sub = subparsers[command.path[:-1]].add_parser(
            command.path[-1], help=command.help, description=command.help
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `s2fgan` command with `argv` (default: sys.argv[1:]); returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except UserError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
