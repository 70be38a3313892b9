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
from dataclasses import asdict
from pathlib import Path

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
from s2fgan.training.phases import StepInputs, TrainingLoss
from s2fgan.training.schedule import check_schedule, lr_scale, run_progress, tail_ramp
from s2fgan.training.sources import edit_sampling_weights, make_source

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
    device = accelerator.device
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

    state_path, tail_path = out / "checkpoint", out / "checkpoint-tail"
    step = config.init_step
    minutes_before = 0.0  # wall time of the run before a resume: the clock goes on
    if (state_path / "step.json").exists():
        accelerator.load_state(str(state_path))
        saved = json.loads((state_path / "step.json").read_text())
        step, minutes_before = saved["step"], saved.get("minutes", 0.0)
        logger.info("resumed from %s at step %d (%.1f min)", state_path, step, minutes_before)
    if accelerator.is_main_process:
        out.mkdir(parents=True, exist_ok=True)
        (out / "config.json").write_text(json.dumps(asdict(config), indent=2))

    region_weight = None  # plain cross-entropy
    if config.mask_balance > 0:
        region_weight = losses.region_weights(
            source.region_sample(),
            nets.generator.config.num_regions,
            config.mask_balance,
            config.mask_balance_max,
        ).to(device)
        logger.info("region weights of the mask losses: %s", region_weight.tolist())
    loss = TrainingLoss(
        prepared,
        raw,
        config,
        region_weight,
        autocast=accelerator.autocast,
        reduce_mean=lambda t: accelerator.reduce(t, "mean"),
    )
    rng = torch.Generator().manual_seed(config.seed + step)
    bar = tqdm(
        range(step, config.steps),
        initial=step,
        total=config.steps,
        desc="train",
        disable=not progress or not accelerator.is_main_process,
    )
    start = time.time()

    def run_minutes() -> float:  # wall minutes of the whole run, resumes included
        return minutes_before + (time.time() - start) / 60

    tail_kept = (tail_path / "step.json").exists()  # decided once: every process saves alike
    log = out / "metrics.jsonl"
    first_step = step
    steps = source.steps(step)
    fresh_steps = 0
    for step in bar:
        data = next(steps)
        batch, edit_j, counterfactual = data.batch, data.edit_j, data.counterfactual
        fresh_steps += data.fresh
        # the draws of a step, in a fixed order: edit sources, random z
        on_sketch = torch.rand(len(batch), generator=rng) < config.edit_on_sketch
        every = config.random_fakes_every
        z = None
        if loss.uses_discriminator and every > 0 and step % every == 0:
            z = nets.mapping.sample_z(len(batch), rng)
        inputs = StepInputs(
            photo=batch.image.to(device),
            sketch=batch.sketch.to(device),
            mask=batch.mask.to(device),
            attributes=batch.attributes.to(device),
            edit_j=edit_j.to(device),
            on_sketch=on_sketch.to(device),
            counterfactual=None if counterfactual is None else counterfactual.to(device),
            z=None if z is None else z.to(device),
        )

        minutes = run_minutes()
        progress_now = run_progress(step, config.steps, minutes, config.max_minutes)
        scale = lr_scale(progress_now, config.lr_decay_tail, config.lr_final)
        scale_d = lr_scale(progress_now, config.lr_decay_tail, config.lr_final_d)
        boost = tail_ramp(progress_now, config.lr_decay_tail, config.edit_boost)
        # the state where the tail begins is kept once, so that tail experiments can branch
        # from it (copy it to another OUT/checkpoint) instead of recomputing the steps before
        if progress_now > 1 - config.lr_decay_tail and not tail_kept:
            _save_checkpoint(accelerator, tail_path, step, minutes)
            tail_kept = True
        for group in opt_g.param_groups:
            group["lr"] = config.lr * scale
        for group in opt_d.param_groups:
            group["lr"] = config.lr_d * scale_d

        # generator phase (forward only while the discriminators warm up)
        g_trains = step >= config.init_step + config.d_warmup_steps
        with torch.set_grad_enabled(g_trains):
            if config.train_only:
                g = loss.sketch_encoder_step(inputs)
            else:
                g = loss.generator_step(inputs, edit_weight=boost)
        if g_trains:
            opt_g.zero_grad(set_to_none=True)
            accelerator.backward(g.total)
            accelerator.clip_grad_norm_(g_params, config.clip_grad)
            opt_g.step()
            if "generator" in trained:
                ema.update(nets.generator, decay=min(config.ema_decay, (1 + step) / (10 + step)))

        # discriminator phase, with lazy R1 every r1_every steps
        d_terms = {}
        if loss.uses_discriminator:
            lazy_r1 = config.r1_every > 0 and step % config.r1_every == 0
            d_total, d_terms = loss.discriminator_step(
                inputs, g.fake_image, g.fake_segmentation, r1=lazy_r1
            )
            opt_d.zero_grad(set_to_none=True)
            accelerator.backward(d_total)
            accelerator.clip_grad_norm_(d_params, config.clip_grad)
            opt_d.step()

        minutes = run_minutes()
        out_of_time = (config.max_minutes > 0 and minutes > config.max_minutes) or (
            config.segment_minutes > 0 and minutes - minutes_before > config.segment_minutes
        )
        checkpoint = (step + 1) % config.checkpoint_every == 0 or step + 1 == config.steps
        # Reading a loss waits for the device to finish the step; on a GPU the loop reads
        # them only on the steps that log or save, so that it queues the next step meanwhile.
        if (step + 1) % config.log_every == 0 or step == 0 or checkpoint or out_of_time:
            if not torch.isfinite(g.total):
                raise FloatingPointError(f"generator loss is {g.total.item()} at step {step + 1}")
            figures = {
                "step": step + 1,
                **{name: term.item() for name, term in g.terms.items()},
                "d": d_terms["d"].item() if d_terms else 0.0,
                "d_class": d_terms["d_class"].item() if d_terms else 0.0,
                "lr_scale": round(scale, 4),
                "lr_scale_d": round(scale_d, 4),
                "edit_boost": round(boost, 4),
                # steps of new portraits among this run's steps (below 1 with render_reuse)
                "fresh": round(fresh_steps / (step + 1 - first_step), 4),
                "seconds": round(60 * minutes, 1),
            }
            bar.set_postfix(
                rec=f"{figures['rec']:.3f}",
                delta=f"{figures['edit_delta']:.3f}",
                seg=f"{figures['seg']:.2f}",
            )
            if accelerator.is_main_process:
                with log.open("a") as f:
                    f.write(json.dumps(figures) + "\n")
        if accelerator.is_main_process and (step + 1) % config.sample_every == 0:
            path = out / "samples" / f"{step + 1:06d}.png"
            _save_samples(path, batch, g.sketch_face, g.edited_face, counterfactual)
        if checkpoint or out_of_time:
            _save_checkpoint(accelerator, state_path, step + 1, minutes)
        if out_of_time:
            logger.warning("stopping at step %d: out of minutes", step + 1)
            break

    steps.close()  # stops the painters of a RenderPool
    final = out / "final"
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        # the discriminator is no pipeline component; it is kept so that a fine-tune
        # (init_from) does not start with a blind one
        for name in (*PIPELINE_COMPONENTS, "discriminator"):
            network = ema.shadow if name == "generator" else getattr(nets, name)
            network.to(memory_format=torch.contiguous_format).save_pretrained(final / name)
    accelerator.wait_for_everyone()
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
