"""Assemble a weights folder's `results.json`: its `s2fgan eval` figures, the benchmarks that
judge what users bring (`simple_faces.py`, `latency.py`), and the same figures of the default
it replaces, so that the model card shows both side by side.

    python benchmarks/card_results.py --eval new.json --previous-eval old.json \\
        --simple simple.json --latency latency.json --model NEW --previous OLD \\
        --previous-commit 908ae3d --out weights_card/s2fgan-synth-128/results.json

`--simple` and `--latency` are the `--out` files of those benchmarks, run on both models at
once (they key their figures by the model argument: NEW and OLD here).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _benchmarks(simple: dict, latency: dict, model: str) -> dict:
    for name, table in (("simple_faces.py", simple), ("latency.py", latency)):
        if model not in table:
            raise SystemExit(f"{name} output has no figures for {model!r}: {sorted(table)}")
    return {"simple_faces": simple[model], "latency_ms": latency[model]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, required=True, help="`s2fgan eval` JSON, new model")
    parser.add_argument("--previous-eval", type=Path, required=True, help="the same, previous")
    parser.add_argument("--simple", type=Path, required=True, help="simple_faces.py --out JSON")
    parser.add_argument("--latency", type=Path, required=True, help="latency.py --out JSON")
    parser.add_argument("--model", required=True, help="the new model's key in those files")
    parser.add_argument("--previous", required=True, help="the previous model's key")
    parser.add_argument("--previous-commit", required=True, help="a commit that holds it")
    parser.add_argument("--previous-step", type=int, required=True, help="its training step")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    results = json.loads(args.eval.read_text())
    previous = json.loads(args.previous_eval.read_text())
    if results["config"] != previous["config"]:
        raise SystemExit("the two evaluations differ in their settings: compare like with like")
    simple = json.loads(args.simple.read_text())
    latency = json.loads(args.latency.read_text())
    results["benchmarks"] = _benchmarks(simple, latency, args.model)
    results["previous"] = {
        "commit": args.previous_commit,
        "step": args.previous_step,
        "figures": previous["figures"],
        "benchmarks": _benchmarks(simple, latency, args.previous),
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
