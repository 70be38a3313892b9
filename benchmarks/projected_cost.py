"""GFLOP and milliseconds per 128 px image of the frozen feature network (EfficientNet-Lite0),
the projected discriminator (Projected GAN) and today's dual-branch discriminator, forward
and forward + backward, at batch 8 on 2 threads:

    python benchmarks/projected_cost.py                 # all, 128 px native and upsampled to 224
    python benchmarks/projected_cost.py --threads 1 --repeats 9

GFLOP are counted by torch.utils.flop_counter.FlopCounterMode (convolutions and matrix
products, a multiply-add as 2; elementwise work is left out) and do not depend on the
machine. Milliseconds come from `--repeats` rounds (each round runs every row once, in turn,
after a warm-up): the fastest and the median wall time, and the least CPU time (all threads'
CPU seconds). Wall time depends on what else runs on the cores, so the load average is
printed with it; on a busy machine the CPU time of a 1-thread run (`--threads 1`) is the
steadiest figure, as a thread that waits for the core is not charged.

The rows, per discriminator:
- "D step": the image needs no gradient (a real photo, or a detached fake), so the backward
  pass stops at the first trained layer.
- "G step": the gradient goes back to the image (a fake the generator is trained through),
  so the backward pass crosses the frozen feature network too.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import time
from collections.abc import Callable

import torch
from torch.utils.flop_counter import FlopCounterMode

from s2fgan.constants import NUM_ATTRIBUTES, NUM_REGIONS
from s2fgan.models.discriminators import DualBranchDiscriminator
from s2fgan.training import losses
from s2fgan.training.feature_network import WHEEL, EfficientNetLite0, FeatureNetwork
from s2fgan.training.projected_discriminator import ProjectedDiscriminator


def flops(run: Callable[[], None], batch: int) -> float:
    """GFLOP per image of `run` (one call handles `batch` images); NaN where the counter
    cannot follow it (its module hooks fail inside `autograd.grad`, which R1 calls)."""
    try:
        with FlopCounterMode(display=False) as counter:
            run()
    except RuntimeError:
        return float("nan")
    return counter.get_total_flops() / batch / 1e9


def timings(runs: dict[str, Callable[[], None]], batch: int, repeats: int) -> dict[str, dict]:
    """Wall and CPU seconds per image of each run, `repeats` rounds that take every run once
    in turn, so that a change in the machine's load reaches all of them alike."""
    for run in runs.values():
        run()  # warm-up: allocator and oneDNN caches
    times = {name: {"wall": [], "cpu": []} for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            times[name]["wall"].append((time.perf_counter() - wall) / batch)
            times[name]["cpu"].append((time.process_time() - cpu) / batch)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--size", type=int, default=128, help="image side")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    pretrained = importlib.util.find_spec(WHEEL) is not None
    classifier = EfficientNetLite0.from_pretrained() if pretrained else EfficientNetLite0()
    n, s = args.batch, args.size
    image = torch.rand(n, 3, s, s) * 2 - 1
    seg = torch.softmax(torch.randn(n, NUM_REGIONS, s, s), 1)
    runs: dict[str, Callable[[], None]] = {}
    params: dict[str, float] = {}

    for resolution in (None, 224):
        tag = f"@{resolution or s}"
        net = FeatureNetwork(classifier, resolution=resolution)

        def features_forward(net=net):
            with torch.no_grad():
                net(image)

        def features_backward(net=net):
            x = image.clone().requires_grad_(True)
            sum(f.square().mean() for f in net(x)).backward()

        runs[f"feature network {tag} forward"] = features_forward
        runs[f"feature network {tag} forward+backward (to image)"] = features_backward

        d = ProjectedDiscriminator(net, image_size=s, num_attributes=NUM_ATTRIBUTES)
        gen = torch.Generator().manual_seed(0)

        def projected_forward(d=d, gen=gen):
            with torch.no_grad():
                d.classify(image, gen)

        def projected_d_step(d=d, gen=gen):
            realism, attrs = d.classify(image, gen)
            (realism.mean() + attrs.mean()).backward()

        def projected_g_step(d=d, gen=gen):
            x = image.clone().requires_grad_(True)
            realism, attrs = d.classify(x, gen)
            (realism.mean() + attrs.mean()).backward()

        runs[f"projected D {tag} forward"] = projected_forward
        runs[f"projected D {tag} D step (forward+backward)"] = projected_d_step
        runs[f"projected D {tag} G step (forward+backward to image)"] = projected_g_step
        params[f"projected D {tag}"] = sum(p.numel() for p in d.parameters()) / 1e6

    dual = DualBranchDiscriminator(resolution=s, num_attributes=NUM_ATTRIBUTES)

    def dual_forward():
        with torch.no_grad():
            dual.classify(image, seg)

    def dual_d_step():
        realism, attrs = dual.classify(image, seg)
        (realism.mean() + attrs.mean()).backward()

    def dual_g_step():
        x, m = image.clone().requires_grad_(True), seg.clone().requires_grad_(True)
        realism, attrs = dual.classify(x, m)
        (realism.mean() + attrs.mean()).backward()

    def dual_r1():
        x, m = image.clone().requires_grad_(True), seg.clone().requires_grad_(True)
        realism, _ = dual.classify(x, m)
        losses.r1_penalty(realism, [x, m]).backward()

    runs["dual-branch D (today) forward"] = dual_forward
    runs["dual-branch D (today) D step (forward+backward)"] = dual_d_step
    runs["dual-branch D (today) G step (forward+backward to inputs)"] = dual_g_step
    runs["dual-branch D (today) R1 pass (every r1_every steps)"] = dual_r1
    params["dual-branch D (today)"] = sum(p.numel() for p in dual.parameters()) / 1e6

    # a machine reference timed in the same rounds: how fast a plain matrix product ran
    # while the rows ran (DESIGN.md: about 90 GFLOP/s on these 2 cores when idle)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    runs["reference: 1024^3 matmul"] = lambda: torch.mm(a, b)

    load_before = os.getloadavg()
    gflop = {name: flops(run, n) for name, run in runs.items()}
    times = timings(runs, n, args.repeats)
    load = (load_before, os.getloadavg())
    rows = {}
    print(f"{'':<58} {'GFLOP':>7} {'wall ms':>8} {'median':>8} {'CPU ms':>8}")
    for name in runs:
        wall, cpu = times[name]["wall"], times[name]["cpu"]
        row = {
            "gflop": gflop[name],
            "wall_ms": min(wall),
            "wall_ms_median": statistics.median(wall),
        }
        row = {k: round(v * (1 if k == "gflop" else 1e3), 3) for k, v in row.items()}
        rows[name] = {**row, "cpu_ms": round(1e3 * min(cpu), 3)}
        print(
            f"{name:<58} {row['gflop']:>7.3f} {row['wall_ms']:>8.2f} "
            f"{row['wall_ms_median']:>8.2f} {rows[name]['cpu_ms']:>8.2f}"
        )
    reference = 2 * 1024**3 / 1e9 / (min(times["reference: 1024^3 matmul"]["wall"]) * n)
    print(f"matmul reference ran at {reference:.0f} GFLOP/s (fastest round)")
    rows["reference_matmul_gflops"] = round(reference, 1)
    for name, millions in params.items():
        print(f"{name}: {millions:.3f} M trained parameters")
    print(f"batch {n}, {s} px, {args.threads} threads, pretrained={pretrained}, load {load}")
    if args.json:
        meta = {"batch": n, "size": s, "threads": args.threads, "loadavg": load}
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
