"""Where a training step's time goes: GFLOP per image and CPU milliseconds of one step of a
recipe, per network and per phase, on the networks, loss and data source that `s2fgan train`
builds (default: the v2 recipe, configs/v2-128-sliders.json, batch 8, 128 px):

    OMP_NUM_THREADS=1 python benchmarks/step_profile.py --threads 1
    python benchmarks/step_profile.py --set 'generator={"render_widths": [64, 32, 16]}'
    python benchmarks/step_profile.py --set resolution=64 \\
        --set 'generator={"render_widths": [96, 48]}'
    python benchmarks/step_profile.py --json OUT.json     # also write the tables

It runs the loop's own pieces (training.loop's network building and preparation, the phases
of training.phases, the data source of training.sources) for one warm-up pair of steps, then
one cycle of `lcm(random_fakes_every, r1_every)` steps twice: plainly, for the time of each
phase, and under a dispatch mode that charges every aten operator's CPU time and FLOPs
(torch.utils.flop_counter's formulas: convolutions and matrix products, a multiply-add as 2;
elementwise work counts no FLOP) to the network that ran it, forward or backward. A backward
operator is charged to the network whose forward created its autograd node. Figures are means
per step over the cycle, so the steps with random faces and with R1 weigh as often as the
recipe runs them.

Times are CPU time of this process (time.process_time), which another job on the cores does
not inflate as it does wall time; with more than one thread they add up every thread's CPU
time, OpenMP's spin-waiting included, so `--threads 1` gives the cleanest figure per network.
The load average is printed beside them. The instrumented cycle runs slower than the plain
one (Python per operator); its per-network times are each operator's own.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import fields
from pathlib import Path

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry

from s2fgan.training import loop
from s2fgan.training.config import TrainConfig, load_recipes
from s2fgan.training.phases import TrainingLoss
from s2fgan.training.sources import make_source

RECIPE = Path(__file__).parents[1] / "configs" / "v2-128-sliders.json"

# the generator's modules that make up its shared local generator; the rest is the render net
LOCAL = ("fourier", "input", "base", "shape", "depth", "texture", "feature", "depth_map")


def recipe(paths: list[Path], overrides: list[str], out_dir: str) -> TrainConfig:
    """The TrainConfig of the layered recipe files with `KEY=JSON` overrides, for a profile:
    no compiled engine, no checkpoints, samples or clock."""
    values = load_recipes(paths)
    for item in overrides:
        key, _, text = item.partition("=")
        try:
            values[key] = json.loads(text)
        except json.JSONDecodeError:
            values[key] = text
    known = {f.name for f in fields(TrainConfig)}
    unknown = set(values) - known
    if unknown:
        raise SystemExit(f"unknown TrainConfig fields {sorted(unknown)}")
    values |= dict(out_dir=out_dir, compile_engine=False, max_minutes=0, segment_minutes=0)
    values |= dict(sample_every=10**9, checkpoint_every=10**9, log_every=10**9)
    return TrainConfig(**values)


class Attribution:
    """Labels for the modules of a run's networks, and the autograd nodes their forwards make.

    Forward: a stack of the labelled modules (and methods) running. Backward: each labelled
    call tags the autograd nodes it created with its label (innermost call first), and an
    operator run by the autograd engine is charged to the label of the node being run.
    """

    def __init__(self) -> None:
        self.labels: dict[int, str] = {}
        self.stack: list[str] = []
        self.handles = []
        self.calls: collections.Counter = collections.Counter()  # (phase, label) -> images

    def add(self, module: torch.nn.Module, label: str | None) -> None:
        """Label `module` and every module inside it that has no label yet; None: each call
        takes the label of the call it runs in (a discriminator is charged to its caller)."""
        for m in module.modules():
            if id(m) not in self.labels:
                self.labels[id(m)] = label

    def wrap_method(self, owner, name: str, label: str) -> None:
        """Label a method that runs outside any module's forward (the local generator)."""
        method = getattr(owner, name)

        def wrapped(*args, **kwargs):
            start = self._enter(label)
            try:
                out = method(*args, **kwargs)
            finally:
                self.stack.pop()
            self._tag(out, label, start)
            return out

        setattr(owner, name, wrapped)

    def _enter(self, label: str) -> int:
        self.stack.append(label)
        # the autograd sequence number before the call: nodes above it were made by the call
        with torch.enable_grad():
            probe = torch.zeros((), requires_grad=True).clone()
        return probe.grad_fn._sequence_nr()

    def _tag(self, out, label: str, start: int) -> None:
        tensors = [t for t in _flatten(out) if isinstance(t, torch.Tensor) and t.grad_fn]
        todo = [t.grad_fn for t in tensors]
        seen = set()
        while todo:
            node = todo.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            if "AccumulateGrad" in node.name() or node._sequence_nr() <= start:
                continue
            node.metadata.setdefault("label", label)
            todo.extend(n for n, _ in node.next_functions)

    def hook(self) -> None:
        starts: dict[int, list[int]] = collections.defaultdict(list)

        def pre(module, args):
            if id(module) in self.labels:
                label = self.labels[id(module)] or (self.stack[-1] if self.stack else "other")
                starts[id(module)].append((label, self._enter(label)))

        def post(module, args, out):
            if id(module) in self.labels:
                self.stack.pop()
                label, start = starts[id(module)].pop()
                self._tag(out, label, start)

        self.handles = [
            torch.nn.modules.module.register_module_forward_pre_hook(pre),
            torch.nn.modules.module.register_module_forward_hook(post),
        ]

    def unhook(self) -> None:
        for handle in self.handles:
            handle.remove()

    def current(self) -> str:
        if torch._C._current_graph_task_id() != -1:
            node = torch._C._current_autograd_node()
            label = None if node is None else node.metadata.get("label")
            return f"{label or 'other'} [bwd]"
        return self.stack[-1] if self.stack else "other"


def _flatten(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, dict):
        return [t for v in out.values() for t in _flatten(v)]
    if isinstance(out, list | tuple):
        return [t for v in out for t in _flatten(v)]
    if hasattr(out, "__dataclass_fields__"):
        return [t for f in out.__dataclass_fields__ for t in _flatten(getattr(out, f))]
    return []


class OperatorCost(TorchDispatchMode):
    """Charges each aten operator's CPU seconds and FLOPs to (phase, label)."""

    def __init__(self, attribution: Attribution) -> None:
        super().__init__()
        self.attribution = attribution
        self.phase = "other"
        self.cpu: collections.Counter = collections.Counter()
        self.flops: collections.Counter = collections.Counter()
        self.op_cpu: collections.Counter = collections.Counter()  # (label, operator)

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        key = (self.phase, self.attribution.current())
        start = time.process_time()
        out = func(*args, **kwargs)
        seconds = time.process_time() - start
        self.cpu[key] += seconds
        self.op_cpu[(key[1], func._overloadpacket.__name__)] += seconds
        counter = flop_registry.get(func._overloadpacket)
        if counter is not None:
            self.flops[key] += counter(*args, **kwargs, out_val=out)
        return out


class Timer:
    """CPU and wall seconds per phase name."""

    def __init__(self) -> None:
        self.cpu: collections.Counter = collections.Counter()
        self.wall: collections.Counter = collections.Counter()
        self.mode: OperatorCost | None = None

    def phase(self, name: str):
        timer = self

        class _Phase:
            def __enter__(self):
                if timer.mode is not None:
                    timer.mode.phase = name
                self.cpu, self.wall = time.process_time(), time.perf_counter()

            def __exit__(self, *exc):
                timer.cpu[name] += time.process_time() - self.cpu
                timer.wall[name] += time.perf_counter() - self.wall

        return _Phase()


def run_step(run, source, step: int, rng: torch.Generator, timer: Timer, counts) -> None:
    """One step as loop._run_steps runs it, split into timed phases (the generator phase of
    loop._generator_phase and the discriminator phase of loop._discriminator_phase, with
    their backward passes and optimiser steps timed apart)."""
    config, acc, opt, loss = run.config, run.accelerator, run.opt, run.loss
    mode = timer.mode
    if mode is not None:  # the painter's many small operators are timed as one phase
        mode.__exit__(None, None, None)
    with timer.phase("data: engine renders batch + counterfactual"):
        data = source.render_step(step)
    if mode is not None:
        mode.__enter__()
    inputs = loop._step_inputs(run, data, step, rng)
    with timer.phase("G phase: forward (encoders, G, D reads, losses)"):
        g = loss.generator_step(inputs, edit_weight=1.0)
    with timer.phase("G phase: backward"):
        opt.opt_g.zero_grad(set_to_none=True)
        acc.backward(g.total)
    with timer.phase("G phase: clip + Adam + EMA"):
        acc.clip_grad_norm_(opt.g_params, config.clip_grad)
        opt.opt_g.step()
        decay = min(config.ema_decay, (1 + step) / (10 + step))
        opt.ema.update(run.nets.generator, decay=decay)
    r1 = config.r1_every > 0 and step % config.r1_every == 0
    name = "D phase + R1" if r1 else "D phase"
    with timer.phase(f"{name}: forward"):
        d_total, _ = loss.discriminator_step(inputs, g.fake_image, g.fake_segmentation, r1=r1)
    with timer.phase(f"{name}: backward"):
        opt.opt_d.zero_grad(set_to_none=True)
        acc.backward(d_total)
    with timer.phase(f"{name}: clip + Adam"):
        acc.clip_grad_norm_(opt.d_params, config.clip_grad)
        opt.opt_d.step()
    counts["steps with R1"] += r1
    counts["steps with random faces"] += inputs.z is not None


def build(config: TrainConfig, init_from: str):
    """The run's parts as loop.train builds them, without its checkpoints and clock."""
    from accelerate import Accelerator

    if init_from:
        config.init_from = init_from
    accelerator = Accelerator(mixed_precision=config.mixed_precision)
    torch.manual_seed(config.seed)
    torch.set_flush_denormal(config.flush_denormal)
    source = make_source(config, accelerator)
    nets, anchor = loop._build_networks(config, accelerator.device)
    opt, prepared, raw = loop._prepare(config, accelerator, nets, anchor)
    loss = TrainingLoss(
        prepared,
        raw,
        config,
        loop._region_weight(config, source, nets, accelerator.device),
        autocast=accelerator.autocast,
    )
    return loop._Run(config, accelerator, nets, opt, loss, Path(config.out_dir)), source


def label_networks(nets) -> Attribution:
    """Labels of the run's networks; the generator split into its shared local generator,
    its render net and the composition between them (masks, blending, mask upsampling), the
    discriminator by what reads it."""
    attribution = Attribution()
    g = nets.generator
    for name, child in g.named_children():
        attribution.add(child, "G: local generator" if name in LOCAL else "G: render net")
    attribution.labels[id(g)] = "G: composition (masks, blend, upsampling)"
    attribution.wrap_method(g, "local", "G: local generator")
    d = nets.discriminator
    attribution.add(d, None)
    attribution.wrap_method(d, "image_features", "D: image branch for feature matching")
    attribution.wrap_method(d, "classify", "D: realism + attribute head")
    for name, label in (
        ("sketch_encoder", "sketch encoder"),
        ("image_encoder", "image encoder"),
        ("mapping", "mapping"),
        ("latent_discriminator", "latent discriminator"),
        ("attribute_mapper", "attribute mapper"),
    ):
        attribution.add(getattr(nets, name), label)
    for name in ("edit", "strengths"):
        attribution.wrap_method(nets.attribute_mapper, name, "attribute mapper")
    return attribution


def count_images(nets, counts, phase_of) -> list:
    """Hooks that count the faces each generator call renders and the images each
    discriminator read takes, by phase."""

    def generator_call(module, args, out):
        counts[f"{phase_of()}: G calls"] += 1
        counts[f"{phase_of()}: faces rendered"] += len(args[0])

    def discriminator_read(module, args, out):
        counts[f"{phase_of()}: images read by D"] += len(args[0])

    return [
        nets.generator.register_forward_hook(generator_call),
        nets.discriminator.image_branch[0].register_forward_hook(discriminator_read),
    ]


def cycle(run, source, first: int, length: int, timer: Timer, counts) -> None:
    rng = torch.Generator().manual_seed(run.config.seed + first)
    for step in range(first, first + length):
        run_step(run, source, step, rng, timer, counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, action="append", help=f"default {RECIPE}")
    parser.add_argument("--set", action="append", default=[], help="KEY=JSON override")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--init-from", default="", help="a pipeline folder to start from")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--plain", action="store_true", help="time the phases only (no per-network run)"
    )
    parser.add_argument(
        "--ops", type=int, default=0, help="also list each network's N costliest operators"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    tmp = tempfile.TemporaryDirectory()
    config = recipe(args.config or [RECIPE], args.set, str(Path(tmp.name) / "run"))
    run, source = build(config, args.init_from)
    every = [n for n in (config.random_fakes_every, config.r1_every) if n > 0]
    length = math.lcm(*every) if every else 1
    batch = config.batch_size
    load = [os.getloadavg()]

    # warm-up: a step with R1 and random faces and one without (allocator, oneDNN caches)
    cycle(run, source, 0, 2, Timer(), collections.Counter())
    plain, plain_counts = Timer(), collections.Counter()
    start = time.process_time(), time.perf_counter()
    cycle(run, source, length, length, plain, plain_counts)
    step_cpu = (time.process_time() - start[0]) / length
    step_wall = (time.perf_counter() - start[1]) / length
    load.append(os.getloadavg())
    if args.plain:
        report_phases(config, args.threads, length, plain, step_cpu, step_wall, load)
        return

    attribution = label_networks(run.nets)
    timed, counts = Timer(), collections.Counter()
    mode = OperatorCost(attribution)
    timed.mode = mode
    handles = count_images(run.nets, counts, lambda: mode.phase.split(":")[0])
    attribution.hook()
    with mode:
        cycle(run, source, length, length, timed, counts)
    attribution.unhook()
    for handle in handles:
        handle.remove()
    load.append(os.getloadavg())

    report(config, args.threads, batch, length, plain, step_cpu, step_wall, mode, counts, load)
    if args.ops:
        report_ops(mode, length, args.ops)
    if args.json:
        write_json(args.json, config, args, length, plain, step_cpu, step_wall, mode, counts, load)


def _other(phase: str) -> str:
    """What the operators outside every network are, by phase."""
    if "Adam" in phase:
        return "optimisers (clip, Adam, EMA)"
    if "R1" in phase:
        return "R1 penalty's gradient graph, losses"
    return "losses and glue"


def _group(phase: str) -> str:
    return {"G": "G", "D": "D"}.get(phase[:1], phase)


def network_rows(mode: OperatorCost, length: int, batch: int) -> dict[str, dict[str, float]]:
    """{network: figures}: forward and backward GFLOP per training image and CPU ms per step,
    in all and per phase group (G: the generator phase; D: the discriminator phase, R1
    included); the optimiser steps' operators are charged to "other"."""
    rows: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for (phase, label), seconds in mode.cpu.items():
        base, way = (label[:-6], "bwd") if label.endswith(" [bwd]") else (label, "fwd")
        if base == "other":
            base = _other(phase)
        row = rows[base]
        row[f"{way} GFLOP/img"] += mode.flops[(phase, label)] / 1e9 / length / batch
        row[f"{way} ms"] += 1e3 * seconds / length
        row[f"{_group(phase)} {way} ms"] += 1e3 * seconds / length
    return {k: dict(v) for k, v in rows.items()}


COLUMNS = (
    "fwd GFLOP/img",
    "bwd GFLOP/img",
    "fwd ms",
    "bwd ms",
    "G fwd ms",
    "G bwd ms",
    "D fwd ms",
    "D bwd ms",
)


def report_phases(config, threads, length, plain, step_cpu, step_wall, load) -> None:
    gen = json.dumps(config.generator)
    print(f"{config.resolution} px, batch {config.batch_size}, {threads} thread(s), cycle of "
          f"{length} steps")  # fmt: skip
    print(f"generator {gen}, random faces every {config.random_fakes_every} steps, R1 every "
          f"{config.r1_every}")  # fmt: skip
    print("\nper step, plain run (means over the cycle):")
    print(f"{'phase':<52} {'CPU ms':>9} {'wall ms':>9} {'CPU %':>6}")
    for name in plain.cpu:
        cpu, wall = 1e3 * plain.cpu[name] / length, 1e3 * plain.wall[name] / length
        print(f"{name:<52} {cpu:>9.0f} {wall:>9.0f} {100 * cpu / 1e3 / step_cpu:>6.1f}")
    print(f"{'step':<52} {1e3 * step_cpu:>9.0f} {1e3 * step_wall:>9.0f}")
    print(f"load average before / after: {load}")


def report_ops(mode: OperatorCost, length: int, n: int) -> None:
    """Each label's n costliest operators, CPU ms per step."""
    print(f"\nthe {n} costliest operators of each network (CPU ms per step):")
    labels = sorted({label for label, _ in mode.op_cpu})
    for label in labels:
        ops = sorted(
            ((op, s) for (lab, op), s in mode.op_cpu.items() if lab == label), key=lambda x: -x[1]
        )[:n]
        print(f"  {label}: " + ", ".join(f"{op} {1e3 * s / length:.0f}" for op, s in ops))


def report(config, threads, batch, length, plain, step_cpu, step_wall, mode, counts, load):
    report_phases(config, threads, length, plain, step_cpu, step_wall, load[:2])

    rows = network_rows(mode, length, batch)
    print("\nper network, instrumented run (GFLOP per training image; CPU ms per step):")
    print(f"{'network':<32} " + " ".join(f"{h:>13}" for h in COLUMNS))
    for label in sorted(rows, key=lambda k: -rows[k].get("fwd ms", 0) - rows[k].get("bwd ms", 0)):
        cells = [rows[label].get(k, 0.0) for k in COLUMNS]
        print(f"{label:<32} " + " ".join(f"{c:>13.3f}" for c in cells[:2]) + " "
              + " ".join(f"{c:>13.0f}" for c in cells[2:]))  # fmt: skip
    total_flop = sum(mode.flops.values()) / 1e9 / length / batch
    total_ms = 1e3 * sum(mode.cpu.values()) / length
    print(f"all: {total_flop:.3f} GFLOP per training image, {total_ms:.0f} CPU ms of operators "
          f"per step (instrumented)")  # fmt: skip
    print("\nimages per step (means over the cycle):")
    for key, value in counts.items():
        if value:
            print(f"  {key}: {value / length:g}")
    print(f"\nload average before / after the plain run / after the instrumented run: {load}")


def write_json(path, config, args, length, plain, step_cpu, step_wall, mode, counts, load):
    out = {
        "argv": sys.argv[1:],
        "resolution": config.resolution,
        "batch": config.batch_size,
        "threads": args.threads,
        "cycle": length,
        "phases_cpu_ms": {k: 1e3 * v / length for k, v in plain.cpu.items()},
        "phases_wall_ms": {k: 1e3 * v / length for k, v in plain.wall.items()},
        "step_cpu_s": step_cpu,
        "step_wall_s": step_wall,
        "networks": network_rows(mode, length, config.batch_size),
        "gflop_per_image": sum(mode.flops.values()) / 1e9 / length / config.batch_size,
        "counts_per_step": {k: v / length for k, v in counts.items() if v},
        "loadavg": load,
    }
    Path(path).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
