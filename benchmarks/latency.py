"""Median latency at batch 1 of each model operation, timed interleaved in one run.

Operations: sketch -> face (encode + synthesize; and with a colour style, from the StyleBank
or the mapping network), re-edit from a cached code (edit + synthesize), swap (swap + synthesize).

`--model oracle` times the engine-backed stand-in through the FaceModel protocol. A saved
pipeline folder is timed through the API users call: `pipe(sketch)` with a PIL sketch, then
`pipe.edit(result, ...)` and `pipe.swap_regions(result, donor, ["hair"])`, each returning
PIL images, the region mask and the strengths.

    python benchmarks/latency.py --model oracle --runs 20
    python benchmarks/latency.py --model weights_card/s2fgan-synth-128 --runs 30
    python benchmarks/latency.py --model OLD --model NEW --runs 30 --out latency.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from s2fgan.constants import HELDOUT_SEEDS
from s2fgan.data import SyntheticPortraits
from s2fgan.data.image_io import sketch_to_pil
from s2fgan.evaluation.protocol import OracleModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        action="append",
        help="'oracle' (the default), or a pipeline folder; repeat it to time several in turns",
    )
    parser.add_argument("--resolution", type=int, default=128)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", type=Path, help="JSON of the median ms, per model")
    args = parser.parse_args()
    args.model = args.model or ["oracle"]
    if args.model != ["oracle"]:
        return time_pipeline(args)
    args.model = "oracle"
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
    """Each model's operations, the models taking turns within every run, so that a load on
    the machine falls on all of them alike and their ratios hold."""
    from s2fgan.pipelines import SketchToFacePipeline

    pipes = {name: SketchToFacePipeline.from_pretrained(name) for name in args.model}
    sizes = {pipe.resolution for pipe in pipes.values()}
    if len(sizes) != 1:
        raise SystemExit(f"the models differ in resolution ({sorted(sizes)}): time them apart")
    args.resolution = sizes.pop()
    engine = SyntheticPortraits(args.resolution)
    data = engine.render(list(HELDOUT_SEEDS)[: args.runs])
    sketches = [sketch_to_pil(s) for s in data.sketch]
    donors = {name: pipe.random_face(seed=1) for name, pipe in pipes.items()}
    for pipe in pipes.values():
        pipe(sketches[0])  # warm-up
    operations = ("sketch -> face", "sketch -> face, style", "re-edit (cached code)", "swap")
    times = {name: {op: [] for op in operations} for name in pipes}
    for i in range(args.runs):
        for name, pipe in pipes.items():
            clock = times[name]
            start = time.perf_counter()
            face = pipe(sketches[i])
            clock["sketch -> face"].append(time.perf_counter() - start)
            start = time.perf_counter()
            pipe(sketches[i], style=i)
            clock["sketch -> face, style"].append(time.perf_counter() - start)

            start = time.perf_counter()
            pipe.edit(face, {"Smiling": 3.0})
            clock["re-edit (cached code)"].append(time.perf_counter() - start)

            start = time.perf_counter()
            pipe.swap_regions(face, donors[name], ["hair"])
            clock["swap"].append(time.perf_counter() - start)
    medians = {}
    for name, clock in times.items():
        args.model_name = name
        medians[name] = report(args, clock)
    if args.out:
        args.out.write_text(json.dumps(medians, indent=2) + "\n")


def report(args: argparse.Namespace, times: dict[str, list[float]]) -> dict[str, float]:
    """Print the median and fastest run of each operation; returns the medians in ms."""
    print(
        f"model {getattr(args, 'model_name', args.model)}, {args.resolution}x{args.resolution}, "
        f"batch 1, {torch.get_num_threads()} threads, {args.runs} interleaved runs"
    )
    print(f"{'operation':24s} {'median ms':>10s} {'min ms':>8s}")
    medians = {}
    for name, values in times.items():
        medians[name] = round(1000 * statistics.median(values), 1)
        print(f"{name:24s} {medians[name]:10.1f} {1000 * min(values):8.1f}")
    return medians


if __name__ == "__main__":
    main()
