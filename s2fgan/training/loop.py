"""The training loop of `s2fgan train`, on Hugging Face Accelerate.

The same code runs on a 2-core CPU, one GPU, or many GPUs and machines (`accelerate launch`,
`torchrun`). Each trained network is prepared on its own, as diffusers' training scripts
do, and the step's loss lives in phases.py (TrainingLoss); this module keeps the schedule,
the data, checkpoints, logging and sample grids.

Resumable: `accelerator.save_state` every `checkpoint_every` steps in OUT/checkpoint, with the
step and the wall minutes so far (a resume goes on with the clock of `max_minutes` and the
learning-rate tail, in any number of processes); the state at the first step of the tail is
kept once in OUT/checkpoint-tail.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from s2fgan.constants import NUM_ATTRIBUTES
from s2fgan.data.image_io import tensor_to_pil
from s2fgan.training import losses
from s2fgan.training.config import TrainConfig
from s2fgan.training.ema import EMA
from s2fgan.training.networks import (
    GENERATOR_SIDE,
    PIPELINE_COMPONENTS,
    Classifier,
    Networks,
    Renderer,
    start_from_pipeline,
)
from s2fgan.training.phases import GeneratorStep, StepInputs, TrainingLoss
from s2fgan.training.schedule import check_schedule, lr_scale, run_progress, tail_ramp
from s2fgan.training.sources import StepData, edit_sampling_weights, make_source

logger = logging.getLogger(__name__)

# the values of TrainConfig.train_only
TRAIN_ONLY = ("", "sketch_encoder")

# the networks whose activations are images: channels_last helps their convolutions on CUDA
_CONVOLUTIONAL = ("generator", "sketch_encoder", "image_encoder", "discriminator")


def _check(config: TrainConfig) -> None:
    """Fail on bad values before any network is built."""
    check_schedule(
        config.lr_decay_tail, {"lr_final": config.lr_final, "lr_final_d": config.lr_final_d}
    )
    if not config.edit_boost >= 0:
        raise ValueError(f"edit_boost must be >= 0, got {config.edit_boost}")
    if config.random_fakes_every < 0:
        raise ValueError(f"random_fakes_every must be >= 0, got {config.random_fakes_every}")
    if not 1 <= config.edit_flips <= NUM_ATTRIBUTES:
        raise ValueError(f"edit_flips must lie in [1, {NUM_ATTRIBUTES}], got {config.edit_flips}")
    if config.train_only not in TRAIN_ONLY:
        raise ValueError(f"train_only must be one of {TRAIN_ONLY}, got {config.train_only!r}")
    if config.train_only and not config.init_from:
        raise ValueError(f"train_only={config.train_only!r} needs init_from: the frozen networks")
    if not 0 <= config.init_step < config.steps:
        raise ValueError(f"init_step {config.init_step} must lie in [0, steps={config.steps})")


@dataclass
class _Optimisation:
    """What a step updates: the trained networks' parameters with their optimisers, and the
    generator's EMA."""

    trained: tuple[str, ...]
    g_params: list[torch.nn.Parameter]
    d_params: list[torch.nn.Parameter]
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    ema: EMA


@dataclass
class _Run:
    """The parts of a run that every step reads."""

    config: TrainConfig
    accelerator: Any
    nets: Networks
    opt: _Optimisation
    loss: TrainingLoss
    out: Path


class _Clock:
    """Wall minutes of the whole run, resumes included: the clock goes on from a checkpoint."""

    def __init__(self, minutes_before: float) -> None:
        self.minutes_before, self.start = minutes_before, time.time()

    def minutes(self) -> float:
        return self.minutes_before + (time.time() - self.start) / 60


def train(config: TrainConfig, progress: bool = True) -> Path:
    """Train, checkpoint and return the folder with the final networks (OUT/final): the
    pipeline's components and the image discriminator."""
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    _check(config)
    out = Path(config.out_dir)
    accelerator = Accelerator(mixed_precision=config.mixed_precision)
    set_seed(config.seed)
    torch.set_flush_denormal(config.flush_denormal)  # process-wide; CPU only
    edit_sampling_weights(config.edit_weights)  # fails on unknown attributes before any work
    source = make_source(config, accelerator)
    nets, anchor = _build_networks(config, accelerator.device)
    opt, prepared, raw = _prepare(config, accelerator, nets, anchor)
    step, minutes_before = _resume(accelerator, out / "checkpoint", config.init_step)
    if accelerator.is_main_process:
        out.mkdir(parents=True, exist_ok=True)
        (out / "config.json").write_text(json.dumps(asdict(config), indent=2))
    loss = TrainingLoss(
        prepared,
        raw,
        config,
        _region_weight(config, source, nets, accelerator.device),
        autocast=accelerator.autocast,
        reduce_mean=lambda t: accelerator.reduce(t, "mean"),
    )
    run = _Run(config, accelerator, nets, opt, loss, out)
    steps = source.steps(step)
    _run_steps(run, steps, step, _Clock(minutes_before), progress)
    steps.close()  # stops the painters of a RenderPool
    return _save_final(run)


def _build_networks(config: TrainConfig, device: torch.device) -> tuple[Networks, Any]:
    """The run's networks on `device` (from init_from when given), and, for a run that trains
    the sketch encoder alone, a frozen copy of it as it started (else None)."""
    nets = Networks(config)
    if config.init_from:
        start_from_pipeline(nets, Path(config.init_from))
    # the sketch encoder as it started (not as a resumed checkpoint has it): a run that trains
    # it alone keeps its base and texture slots near this one's
    anchor = None
    if config.train_only == "sketch_encoder":
        anchor = copy.deepcopy(nets.sketch_encoder).eval().requires_grad_(False)
    if nets.generator.resolution != config.resolution:
        raise ValueError(
            f"generator renders {nets.generator.resolution}px but resolution is "
            f"{config.resolution}; change generator grid_size/render_widths"
        )
    if device.type == "cuda":
        # TF32 matrix products and autotuned convolutions: float32 training at tensor-core
        # speed, without the half-precision R1 gradients
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    nets.to(device)
    if anchor is not None:
        anchor.to(device)
    if device.type == "cuda" and config.channels_last:
        for name in _CONVOLUTIONAL:
            getattr(nets, name).to(memory_format=torch.channels_last)
    return nets, anchor


def _prepare(
    config: TrainConfig, accelerator, nets: Networks, anchor
) -> tuple[_Optimisation, dict[str, torch.nn.Module], dict[str, torch.nn.Module]]:
    """Freeze what the run does not train, make the optimisers and the EMA, and prepare the
    trained networks with Accelerate. Returns them with the networks as the step calls them
    (prepared) and unwrapped (raw), as TrainingLoss takes them."""
    trained = (config.train_only,) if config.train_only else GENERATOR_SIDE
    for name in set(GENERATOR_SIDE) - set(trained):
        getattr(nets, name).eval().requires_grad_(False)
    g_params = [p for name in trained for p in getattr(nets, name).parameters()]
    d_params = list(nets.discriminator.parameters())
    opt_g = torch.optim.Adam(g_params, lr=config.lr, betas=config.betas)
    opt_d = torch.optim.Adam(d_params, lr=config.lr_d, betas=config.betas)
    # each trained network on its own: a DDP wrapper per network under several processes
    # (the generator and the discriminator inside modules whose forward returns tensors)
    # (frozen networks are not prepared: DDP refuses a module with nothing to train)
    modules = {name: getattr(nets, name) for name in GENERATOR_SIDE}
    modules["generator"] = Renderer(nets.generator, config.generator_chunk)
    *wrapped, classifier, opt_g, opt_d = accelerator.prepare(
        *(modules[name] for name in trained),
        Classifier(nets.discriminator),
        opt_g,
        opt_d,
    )
    prepared = modules | dict(zip(trained, wrapped, strict=True)) | {"classifier": classifier}
    raw = {
        name: getattr(nets, name) for name in (*GENERATOR_SIDE, "attribute_mapper", "discriminator")
    } | ({"sketch_anchor": anchor} if anchor is not None else {})
    ema = EMA(nets.generator, config.ema_decay)
    accelerator.register_for_checkpointing(ema.shadow)
    return _Optimisation(trained, g_params, d_params, opt_g, opt_d, ema), prepared, raw


def _resume(accelerator, state_path: Path, init_step: int) -> tuple[int, float]:
    """The step to start at and the wall minutes of the run before it: from the checkpoint in
    `state_path` when there is one (its whole state is loaded), else init_step and 0."""
    if not (state_path / "step.json").exists():
        return init_step, 0.0
    accelerator.load_state(str(state_path))
    saved = json.loads((state_path / "step.json").read_text())
    step, minutes_before = saved["step"], saved.get("minutes", 0.0)
    logger.info("resumed from %s at step %d (%.1f min)", state_path, step, minutes_before)
    return step, minutes_before


def _region_weight(config: TrainConfig, source, nets: Networks, device) -> torch.Tensor | None:
    """The weights [R] of the mask losses (mask_balance), from the source's region sample;
    None: plain cross-entropy."""
    if config.mask_balance <= 0:
        return None
    region_weight = losses.region_weights(
        source.region_sample(),
        nets.generator.config.num_regions,
        config.mask_balance,
        config.mask_balance_max,
    ).to(device)
    logger.info("region weights of the mask losses: %s", region_weight.tolist())
    return region_weight


def _run_steps(run: _Run, steps, first_step: int, clock: _Clock, progress: bool) -> None:
    """Train from `first_step` until config.steps or the minutes run out: each step logs,
    samples and checkpoints when due, and the state where the learning-rate tail begins is
    kept once."""
    config, accelerator = run.config, run.accelerator
    rng = torch.Generator().manual_seed(config.seed + first_step)
    bar = tqdm(
        range(first_step, config.steps),
        initial=first_step,
        total=config.steps,
        desc="train",
        disable=not progress or not accelerator.is_main_process,
    )
    state_path, tail_path = run.out / "checkpoint", run.out / "checkpoint-tail"
    tail_kept = (tail_path / "step.json").exists()  # decided once: every process saves alike
    fresh_steps = 0
    for step in bar:
        data = next(steps)
        fresh_steps += data.fresh
        inputs = _step_inputs(run, data, step, rng)

        minutes = clock.minutes()
        rates = _Rates.at(config, step, minutes)
        # the state where the tail begins is kept once, so that tail experiments can branch
        # from it (copy it to another OUT/checkpoint) instead of recomputing the steps before
        if rates.progress > 1 - config.lr_decay_tail and not tail_kept:
            _save_checkpoint(accelerator, tail_path, step, minutes)
            tail_kept = True
        rates.apply(config, run.opt)

        g = _generator_phase(run, inputs, step, rates.edit_boost)
        d_terms = _discriminator_phase(run, inputs, g, step)

        minutes = clock.minutes()
        out_of_time = (config.max_minutes > 0 and minutes > config.max_minutes) or (
            config.segment_minutes > 0 and minutes - clock.minutes_before > config.segment_minutes
        )
        checkpoint = (step + 1) % config.checkpoint_every == 0 or step + 1 == config.steps
        # Reading a loss waits for the device to finish the step; on a GPU the loop reads
        # them only on the steps that log or save, so that it queues the next step meanwhile.
        if (step + 1) % config.log_every == 0 or step == 0 or checkpoint or out_of_time:
            # steps of new portraits among this run's steps (below 1 with render_reuse)
            fresh = fresh_steps / (step + 1 - first_step)
            _log_step(run, bar, step, g, d_terms, rates, fresh, minutes)
        if accelerator.is_main_process and (step + 1) % config.sample_every == 0:
            path = run.out / "samples" / f"{step + 1:06d}.png"
            _save_samples(path, data.batch, g.sketch_face, g.edited_face, data.counterfactual)
        if checkpoint or out_of_time:
            _save_checkpoint(accelerator, state_path, step + 1, minutes)
        if out_of_time:
            logger.warning("stopping at step %d: out of minutes", step + 1)
            break


def _step_inputs(run: _Run, data: StepData, step: int, rng: torch.Generator) -> StepInputs:
    """A step's data on the training device, with the step's own draws, in a fixed order:
    which edits act on the sketch code, then the random faces' z (every random_fakes_every
    steps, where the run has a discriminator)."""
    config, device, batch = run.config, run.accelerator.device, data.batch
    on_sketch = torch.rand(len(batch), generator=rng) < config.edit_on_sketch
    every = config.random_fakes_every
    z = None
    if run.loss.uses_discriminator and every > 0 and step % every == 0:
        z = run.nets.mapping.sample_z(len(batch), rng)
    counterfactual = data.counterfactual
    return StepInputs(
        photo=batch.image.to(device),
        sketch=batch.sketch.to(device),
        mask=batch.mask.to(device),
        attributes=batch.attributes.to(device),
        edit_j=data.edit_j.to(device),
        on_sketch=on_sketch.to(device),
        counterfactual=None if counterfactual is None else counterfactual.to(device),
        z=None if z is None else z.to(device),
    )


@dataclass
class _Rates:
    """Where a step stands in the run (0..1) and its learning-rate scales and edit boost."""

    progress: float
    scale: float
    scale_d: float
    edit_boost: float

    @classmethod
    def at(cls, config: TrainConfig, step: int, minutes: float) -> _Rates:
        progress = run_progress(step, config.steps, minutes, config.max_minutes)
        return cls(
            progress,
            lr_scale(progress, config.lr_decay_tail, config.lr_final),
            lr_scale(progress, config.lr_decay_tail, config.lr_final_d),
            tail_ramp(progress, config.lr_decay_tail, config.edit_boost),
        )

    def apply(self, config: TrainConfig, opt: _Optimisation) -> None:
        for group in opt.opt_g.param_groups:
            group["lr"] = config.lr * self.scale
        for group in opt.opt_d.param_groups:
            group["lr"] = config.lr_d * self.scale_d


def _generator_phase(run: _Run, inputs: StepInputs, step: int, edit_boost: float) -> GeneratorStep:
    """The generator side's loss and update (forward only while the discriminators warm up),
    and the EMA of a trained generator."""
    config, opt = run.config, run.opt
    g_trains = step >= config.init_step + config.d_warmup_steps
    with torch.set_grad_enabled(g_trains):
        if config.train_only:
            g = run.loss.sketch_encoder_step(inputs)
        else:
            g = run.loss.generator_step(inputs, edit_weight=edit_boost)
    if g_trains:
        opt.opt_g.zero_grad(set_to_none=True)
        run.accelerator.backward(g.total)
        run.accelerator.clip_grad_norm_(opt.g_params, config.clip_grad)
        opt.opt_g.step()
        if "generator" in opt.trained:
            decay = min(config.ema_decay, (1 + step) / (10 + step))
            opt.ema.update(run.nets.generator, decay=decay)
    return g


def _discriminator_phase(
    run: _Run, inputs: StepInputs, g: GeneratorStep, step: int
) -> dict[str, torch.Tensor]:
    """The image discriminator's loss and update, with lazy R1 every r1_every steps. Returns
    its terms (none where the run has no discriminator)."""
    config, opt, loss = run.config, run.opt, run.loss
    if not loss.uses_discriminator:
        return {}
    lazy_r1 = config.r1_every > 0 and step % config.r1_every == 0
    d_total, d_terms = loss.discriminator_step(
        inputs, g.fake_image, g.fake_segmentation, r1=lazy_r1
    )
    opt.opt_d.zero_grad(set_to_none=True)
    run.accelerator.backward(d_total)
    run.accelerator.clip_grad_norm_(opt.d_params, config.clip_grad)
    opt.opt_d.step()
    return d_terms


def _log_step(
    run: _Run,
    bar,
    step: int,
    g: GeneratorStep,
    d_terms: dict[str, torch.Tensor],
    rates: _Rates,
    fresh: float,
    minutes: float,
) -> None:
    """One line of OUT/metrics.jsonl (main process) and the progress bar's figures; a
    non-finite generator loss stops the run."""
    if not torch.isfinite(g.total):
        raise FloatingPointError(f"generator loss is {g.total.item()} at step {step + 1}")
    figures = {
        "step": step + 1,
        **{name: term.item() for name, term in g.terms.items()},
        "d": d_terms["d"].item() if d_terms else 0.0,
        "d_class": d_terms["d_class"].item() if d_terms else 0.0,
        "lr_scale": round(rates.scale, 4),
        "lr_scale_d": round(rates.scale_d, 4),
        "edit_boost": round(rates.edit_boost, 4),
        "fresh": round(fresh, 4),
        "seconds": round(60 * minutes, 1),
    }
    bar.set_postfix(
        rec=f"{figures['rec']:.3f}",
        delta=f"{figures['edit_delta']:.3f}",
        seg=f"{figures['seg']:.2f}",
    )
    if run.accelerator.is_main_process:
        with (run.out / "metrics.jsonl").open("a") as f:
            f.write(json.dumps(figures) + "\n")


def _save_final(run: _Run) -> Path:
    """OUT/final: the pipeline's components (the generator as its EMA) and the image
    discriminator, written by the main process once every process is done."""
    final = run.out / "final"
    run.accelerator.wait_for_everyone()
    if run.accelerator.is_main_process:
        # the discriminator is no pipeline component; it is kept so that a fine-tune
        # (init_from) does not start with a blind one
        for name in (*PIPELINE_COMPONENTS, "discriminator"):
            network = run.opt.ema.shadow if name == "generator" else getattr(run.nets, name)
            network.to(memory_format=torch.contiguous_format).save_pretrained(final / name)
    run.accelerator.wait_for_everyone()
    return final


def _save_checkpoint(accelerator, path: Path, step: int, minutes: float) -> None:
    """The whole training state, with the step and wall minutes a resume goes on from."""
    accelerator.save_state(str(path))
    if accelerator.is_main_process:
        (path / "step.json").write_text(json.dumps({"step": step, "minutes": round(minutes, 3)}))
    accelerator.wait_for_everyone()


def _save_samples(path: Path, batch, out_s, out_e, counterfactual) -> None:
    """A grid: sketch | photo | sketch->face | counterfactual target (synthetic data only) |
    edited face (where the step made one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    k = min(4, len(batch))
    cols = [
        batch.sketch[:k].cpu().expand(-1, 3, -1, -1) * 2 - 1,
        batch.image[:k].cpu(),
        out_s.image[:k].detach().float().cpu().clamp(-1, 1),
    ]
    if counterfactual is not None:
        cols.append(counterfactual.image[:k].cpu())
    if out_e is not None:
        cols.append(out_e.image[:k].detach().float().cpu().clamp(-1, 1))
    grid = torch.cat([torch.cat(list(c), 1) for c in cols], 2)  # [3, k*H, cols*W]
    tensor_to_pil(grid).save(path)
