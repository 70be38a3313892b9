"""Seconds per training step of the default recipe (configs/synth128.json: batch 8, 128 px)
against one change of it, the two alternating, each run in a fresh process (Accelerate's
mixed precision and torch's denormal flag are process-wide), reported as a ratio:

    python benchmarks/step_cost.py --flips 3                 # --edit-flips 3 against 1
    python benchmarks/step_cost.py --denormal                # flush_denormal on against off
    python benchmarks/step_cost.py --random-fakes-every 4    # random faces every 4 steps / 1
    python benchmarks/step_cost.py --mixed-precision bf16    # bf16 autocast against fp32
    python benchmarks/step_cost.py --against-code /tmp/old   # this code against another
                                                             # checkout of s2fgan (its tree)

`--against-code DIR` runs the same recipe with the `s2fgan` package of DIR first on the
Python path (e.g. `git archive main | tar -x -C DIR`), so a change of the training loop is
timed against the loop before it in one run, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

RECIPE = Path(__file__).parents[1] / "configs" / "synth128.json"


def seconds_per_step(fields: dict, code: Path | None = None, skip: int = 2) -> float:
    """Mean wall seconds of a run's steps after the first `skip` (warm-up), trained by
    `s2fgan train --config` in a fresh process (with `code`'s s2fgan package when given)."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")])
    with tempfile.TemporaryDirectory() as tmp:
        out, path = Path(tmp) / "run", Path(tmp) / "config.json"
        path.write_text(json.dumps({**fields, "out_dir": str(out), "log_every": 1}))
        train = [sys.executable, "-m", "s2fgan.cli", "train", "--config", str(path)]
        subprocess.run(train, check=True, capture_output=True, env=env, cwd=tmp)
        lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    first, last = lines[skip - 1], lines[-1]
    return (last["seconds"] - first["seconds"]) / (last["step"] - first["step"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the variants")
    change = parser.add_mutually_exclusive_group()
    change.add_argument("--flips", type=int, default=3, help="compare edit_flips K / 1")
    change.add_argument("--denormal", action="store_true", help="compare flush_denormal on / off")
    change.add_argument("--random-fakes-every", type=int, help="compare random_fakes_every N / 1")
    change.add_argument("--mixed-precision", help='compare mixed_precision "bf16" / "no"')
    change.add_argument("--against-code", type=Path, help="compare this code / DIR's s2fgan")
    args = parser.parse_args()
    base = {
        **json.loads(RECIPE.read_text()),
        "steps": args.steps,
        "max_minutes": 0,
        "sample_every": 10**9,
        "checkpoint_every": 10**9,
        "compile_engine": False,
    }
    code = {}  # label -> another s2fgan tree
    if args.against_code is not None:
        name, new, old = "code", "this", str(args.against_code)
        variants = {new: base, old: base}
        code[old] = args.against_code.resolve()
    elif args.mixed_precision is not None:
        name, old, new = "mixed_precision", "no", args.mixed_precision
        variants = {old: base, new: {**base, "mixed_precision": new}}
    elif args.random_fakes_every is not None:
        name, new, old = "random_fakes_every", str(args.random_fakes_every), "1"
        variants = {
            old: {**base, "random_fakes_every": 1},
            new: {**base, "random_fakes_every": args.random_fakes_every},
        }
    elif args.denormal:
        name, new, old = "flush_denormal", "on", "off"
        variants = {new: base, old: {**base, "flush_denormal": False}}
    else:
        name, new, old = "edit_flips", str(args.flips), "1"
        variants = {old: base, new: {**base, "edit_flips": args.flips}}
    times: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(args.rounds):
        for label, fields in variants.items():
            times[label].append(seconds_per_step(fields, code.get(label)))
    a, b = (sum(times[label]) / args.rounds for label in (new, old))
    print(json.dumps({"s_per_step": times}))
    print(f"{name} {new} / {old}: {a / b:.3f} ({a:.2f} vs {b:.2f} s/step, means)")
    # another job on the machine only ever adds time: the fastest round is the least disturbed
    a, b = (min(times[label]) for label in (new, old))
    print(f"{name} {new} / {old}: {a / b:.3f} ({a:.2f} vs {b:.2f} s/step, fastest rounds)")


if __name__ == "__main__":
    main()
