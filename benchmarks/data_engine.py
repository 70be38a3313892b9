"""Rendering speed of SyntheticPortraits, eager and compiled, or per sketch style.

The machine is shared and noisy, so the engines are timed in interleaved rounds and the
median round is reported, with the compiled/eager ratio.

    python benchmarks/data_engine.py --resolution 128 --batch 32 --rounds 5
    python benchmarks/data_engine.py --styles all --framing   # eager, one engine per style
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from s2fgan.data import SyntheticPortraits
from s2fgan.data.sketch_styles import SKETCH_STYLES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=128)
    parser.add_argument("--batch", type=int, default=32, help="portraits per render call")
    parser.add_argument("--calls", type=int, default=4, help="render calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-compile", action="store_true", help="time eager mode only")
    parser.add_argument(
        "--styles", default="", help="comma-separated sketch styles, or 'all', to time eagerly"
    )
    parser.add_argument("--framing", action="store_true", help="with --styles: framing on")
    args = parser.parse_args()

    if args.styles:
        names = SKETCH_STYLES if args.styles == "all" else args.styles.split(",")
        engines = {
            name: SyntheticPortraits(args.resolution, sketch_style=name, framing=args.framing)
            for name in names
        }
    else:
        engines = {"eager": SyntheticPortraits(args.resolution)}
    if not args.no_compile and not args.styles:
        engines["compiled"] = SyntheticPortraits(
            args.resolution, compile=True, chunk_size=args.batch
        )
    for name, engine in engines.items():  # warm up (compiles once)
        start = time.perf_counter()
        engine.render(range(args.batch))
        print(f"{name}: first call {time.perf_counter() - start:.1f} s")

    rates: dict[str, list[float]] = {name: [] for name in engines}
    seed = 10_000
    for _ in range(args.rounds):
        for name, engine in engines.items():
            start = time.perf_counter()
            for _ in range(args.calls):
                engine.render(range(seed, seed + args.batch))
                seed += args.batch
            rates[name].append(args.calls * args.batch / (time.perf_counter() - start))

    print(
        f"\nSyntheticPortraits at {args.resolution}x{args.resolution}, batch {args.batch}, "
        f"{torch.get_num_threads()} threads, median of {args.rounds} rounds"
    )
    print(f"{'engine':10s} {'portraits/s':>12s} {'ms/portrait':>12s}")
    medians = {name: statistics.median(r) for name, r in rates.items()}
    for name, rate in medians.items():
        print(f"{name:10s} {rate:12.1f} {1000 / rate:12.2f}")
    if "compiled" in medians:
        print(f"compiled / eager speed ratio: {medians['compiled'] / medians['eager']:.2f}")


if __name__ == "__main__":
    main()
