"""Cost of `--edit-flips K` against one flip: seconds per training step of the default
config (batch 8, 128 px), measured in one process, K alternating, reported as a ratio.

    python benchmarks/edit_flips_cost.py --steps 12 --flips 3
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import replace
from pathlib import Path

from s2fgan.training.config import TrainConfig
from s2fgan.training.loop import train


def seconds_per_step(config: TrainConfig, out: Path, skip: int = 2) -> float:
    """Mean wall seconds of a run's steps after the first `skip` (warm-up)."""
    train(replace(config, out_dir=str(out), log_every=1), progress=False)
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    first, last = lines[skip - 1], lines[-1]
    return (last["seconds"] - first["seconds"]) / (last["step"] - first["step"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--flips", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of 1 and K")
    args = parser.parse_args()
    base = TrainConfig(
        steps=args.steps, sample_every=10**9, checkpoint_every=10**9, compile_engine=False
    )
    times: dict[int, list[float]] = {1: [], args.flips: []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for k in times:
                run = replace(base, edit_flips=k)
                times[k].append(seconds_per_step(run, Path(tmp) / f"k{k}-{r}"))
    one, many = sum(times[1]) / args.rounds, sum(times[args.flips]) / args.rounds
    print(json.dumps({"s_per_step": {str(k): v for k, v in times.items()}}))
    print(f"edit_flips {args.flips} / 1: {many / one:.3f} ({many:.2f} vs {one:.2f} s/step)")


if __name__ == "__main__":
    main()
