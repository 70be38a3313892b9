"""Cost of `--edit-flips K` against one flip: seconds per training step of the default
config (batch 8, 128 px), measured in one process, K alternating, reported as a ratio;
with --denormal, the same for TrainConfig.flush_denormal off and on.

    python benchmarks/edit_flips_cost.py --steps 12 --flips 3
    python benchmarks/edit_flips_cost.py --denormal   # flush_denormal off vs on, one flip
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
    parser.add_argument(
        "--denormal", action="store_true", help="compare flush_denormal off / on instead"
    )
    args = parser.parse_args()
    base = TrainConfig(
        steps=args.steps, sample_every=10**9, checkpoint_every=10**9, compile_engine=False
    )
    if args.denormal:
        runs = {True: [], False: []}  # each train() sets the process-wide flag
        for _ in range(args.rounds):
            for flush in runs:
                run = replace(base, flush_denormal=flush)
                runs[flush].append(seconds_per_step(run, Path(tempfile.mkdtemp())))
        on, off = (sum(runs[f]) / args.rounds for f in (True, False))
        print(json.dumps({"s_per_step": {"on": runs[True], "off": runs[False]}}))
        print(f"flush_denormal on / off: {on / off:.3f} ({on:.2f} vs {off:.2f} s/step)")
        return
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
