"""Cost of `--edit-flips K` against one flip: seconds per training step of the default
config (batch 8, 128 px), measured in one process, K alternating, reported as a ratio;
with --denormal, the same for TrainConfig.flush_denormal off and on; with
--random-fakes-every N, random faces every N steps against every step.

    python benchmarks/edit_flips_cost.py --steps 12 --flips 3
    python benchmarks/edit_flips_cost.py --denormal   # flush_denormal off vs on, one flip
    python benchmarks/edit_flips_cost.py --random-fakes-every 4
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


def alternate(variants: dict[str, TrainConfig], rounds: int) -> dict[str, list[float]]:
    """Seconds per step of each variant, run in turn `rounds` times in this process (each
    train() sets the process-wide denormal flag of its own config)."""
    times: dict[str, list[float]] = {label: [] for label in variants}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for label, config in variants.items():
                times[label].append(seconds_per_step(config, Path(tmp) / f"{label}-{r}"))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--flips", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the variants")
    parser.add_argument(
        "--denormal", action="store_true", help="compare flush_denormal off / on instead"
    )
    parser.add_argument(
        "--random-fakes-every", type=int, help="compare random_fakes_every N / 1 instead"
    )
    args = parser.parse_args()
    base = TrainConfig(
        steps=args.steps, sample_every=10**9, checkpoint_every=10**9, compile_engine=False
    )
    if args.random_fakes_every is not None:
        name, new, old = "random_fakes_every", str(args.random_fakes_every), "1"
        variants = {old: base, new: replace(base, random_fakes_every=args.random_fakes_every)}
    elif args.denormal:
        name, new, old = "flush_denormal", "on", "off"
        variants = {new: base, old: replace(base, flush_denormal=False)}
    else:
        name, new, old = "edit_flips", str(args.flips), "1"
        variants = {old: base, new: replace(base, edit_flips=args.flips)}
    times = alternate(variants, args.rounds)
    a, b = (sum(times[label]) / args.rounds for label in (new, old))
    print(json.dumps({"s_per_step": times}))
    print(f"{name} {new} / {old}: {a / b:.3f} ({a:.2f} vs {b:.2f} s/step)")


if __name__ == "__main__":
    main()
