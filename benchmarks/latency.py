"""Median latency at batch 1 of each model operation, timed interleaved in one run.

Operations: sketch -> face (encode + synthesize), re-edit from a cached code (edit +
synthesize), swap (swap + synthesize). Any `s2fgan.evaluation.protocol.FaceModel` works;
until the pipeline lands the only model is the engine-backed stand-in `oracle`.

    python benchmarks/latency.py --model oracle --runs 20
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from s2fgan.data import SyntheticPortraits
from s2fgan.evaluation.protocol import OracleModel
from s2fgan.evaluation.split import HELDOUT_SEEDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="oracle")
    parser.add_argument("--resolution", type=int, default=128)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if args.model != "oracle":
        raise SystemExit("only --model oracle exists until SketchToFacePipeline lands")

    engine = SyntheticPortraits(args.resolution)
    seeds = list(HELDOUT_SEEDS)[: args.runs + 1]
    model = OracleModel(engine, seeds)
    data = engine.render(seeds)
    times: dict[str, list[float]] = {"sketch -> face": [], "re-edit (cached code)": [], "swap": []}
    with torch.no_grad():
        for i in range(args.runs):
            start = time.perf_counter()
            code = model.encode_sketch(data.sketch[i : i + 1])
            model.synthesize(code)
            times["sketch -> face"].append(time.perf_counter() - start)

            start = time.perf_counter()
            model.synthesize(model.edit(code, {"Smiling": 3.0}))
            times["re-edit (cached code)"].append(time.perf_counter() - start)

            donor = model.encode_image(data.image[i + 1 : i + 2])
            start = time.perf_counter()
            model.synthesize(model.swap(code, donor, ["hair"]))
            times["swap"].append(time.perf_counter() - start)

    print(
        f"model {args.model}, {args.resolution}x{args.resolution}, batch 1, "
        f"{torch.get_num_threads()} threads, {args.runs} interleaved runs"
    )
    print(f"{'operation':24s} {'median ms':>10s} {'min ms':>8s}")
    for name, values in times.items():
        print(f"{name:24s} {1000 * statistics.median(values):10.1f} {1000 * min(values):8.1f}")


if __name__ == "__main__":
    main()
