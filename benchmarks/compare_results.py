"""Compare `s2fgan eval` results side by side, as a Markdown table.

    python benchmarks/compare_results.py weights_card/s2fgan-synth-128/results.json new.json

One row per figure (per-region and per-attribute figures included), one column per file;
`--only sketch_iou,attr_success` keeps the rows whose name starts with one of those.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def flat_figures(results: dict) -> dict[str, float]:
    """{"sketch_iou.hat": 0.05, "fd": 859.5, ...} from a results.json's `figures`."""
    rows: dict[str, float] = {}
    for name, value in results["figures"].items():
        if isinstance(value, dict):
            rows.update({f"{name}.{key}": v for key, v in value.items()})
        else:
            rows[name] = value
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="+", help="results.json files")
    parser.add_argument("--only", default="", help="comma-separated name prefixes")
    args = parser.parse_args()
    tables = [flat_figures(json.loads(p.read_text())) for p in args.results]
    prefixes = tuple(p for p in args.only.split(",") if p)
    names = [n for n in tables[0] if not prefixes or n.startswith(prefixes)]
    print("| figure | " + " | ".join(p.parent.name or p.name for p in args.results) + " |")
    print("|---" * (len(args.results) + 1) + "|")
    for name in names:
        cells = [f"{t[name]:.3f}" if name in t else "-" for t in tables]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
