"""Arguments of `s2fgan evaluators train`, kept apart from the trainer so that building the
command line does not import torch."""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_WEIGHTS = Path(__file__).parent / "weights"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default=str(DEFAULT_WEIGHTS), help="folder for the weights")
    parser.add_argument("--steps", type=int, default=2400)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--resolution", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--save-every", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compile", action="store_true", help="compile the data engine")
    parser.add_argument(
        "--networks",
        default="classifier,segmenter",
        help="which to train; the others are loaded from --out (default: both)",
    )
    parser.add_argument(
        "--classifier-stem", type=int, default=0, help="classifier full-res stem channels (0: none)"
    )
