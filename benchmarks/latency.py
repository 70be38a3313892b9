"""Median latency at batch 1 of each model operation, timed interleaved in one run.

Operations: sketch -> face (encode + synthesize; and with a colour seed, from the StyleBank
or the mapping network), re-edit from a cached code (edit + synthesize), swap (swap + synthesize).

`--model oracle` times the engine-backed stand-in through the FaceModel protocol. A saved
pipeline folder is timed through the API users call: `pipe(sketch)` with a PIL sketch, then
`pipe.edit(result, ...)` and `pipe.swap_regions(result, donor, ["hair"])`, each returning
PIL images, the region mask and the strengths.

    python benchmarks/latency.py --model oracle --runs 20
    python benchmarks/latency.py --model weights_card/s2fgan-synth-128 --runs 30
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from s2fgan.constants import HELDOUT_SEEDS
from s2fgan.data import SyntheticPortraits
from s2fgan.data.image_io import sketch_to_pil
from s2fgan.evaluation.protocol import OracleModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="oracle")
    parser.add_argument("--resolution", type=int, default=128)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if args.model != "oracle":
        return time_pipeline(args)
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

    report(args, times)


def time_pipeline(args: argparse.Namespace) -> None:
    from s2fgan.pipelines import SketchToFacePipeline

    pipe = SketchToFacePipeline.from_pretrained(args.model)
    args.resolution = pipe.resolution
    engine = SyntheticPortraits(pipe.resolution)
    data = engine.render(list(HELDOUT_SEEDS)[: args.runs])
    sketches = [sketch_to_pil(s) for s in data.sketch]
    donor = pipe.random_face(seed=1)
    pipe(sketches[0])  # warm-up
    times: dict[str, list[float]] = {
        "sketch -> face": [],
        "sketch -> face, seed": [],
        "re-edit (cached code)": [],
        "swap": [],
    }
    for i in range(args.runs):
        start = time.perf_counter()
        face = pipe(sketches[i])
        times["sketch -> face"].append(time.perf_counter() - start)
        start = time.perf_counter()
        pipe(sketches[i], seed=i)
        times["sketch -> face, seed"].append(time.perf_counter() - start)

        start = time.perf_counter()
        pipe.edit(face, {"Smiling": 3.0})
        times["re-edit (cached code)"].append(time.perf_counter() - start)

        start = time.perf_counter()
        pipe.swap_regions(face, donor, ["hair"])
        times["swap"].append(time.perf_counter() - start)
    report(args, times)


def report(args: argparse.Namespace, times: dict[str, list[float]]) -> None:
    print(
        f"model {args.model}, {args.resolution}x{args.resolution}, batch 1, "
        f"{torch.get_num_threads()} threads, {args.runs} interleaved runs"
    )
    print(f"{'operation':24s} {'median ms':>10s} {'min ms':>8s}")
    for name, values in times.items():
        print(f"{name:24s} {1000 * statistics.median(values):10.1f} {1000 * min(values):8.1f}")


if __name__ == "__main__":
    main()
