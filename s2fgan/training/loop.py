"""The training loop of `s2fgan train`, on Hugging Face Accelerate.

The same code runs on a 2-core CPU, one GPU or many (`accelerate launch`). One step:

1. photo -> ImageEncoder -> ws_p and sketch -> SketchEncoder -> ws_s; both reconstruct the
   photo and its mask through the RegionGenerator (the synthetic data gives every portrait
   its mask, so supervision does most of the work);
2. S2FGAN: ws_s is pulled onto ws_p (semantic-level loss), and a latent discriminator behind
   gradient reversal makes sketch codes indistinguishable from photo codes;
3. the AttributeMapper's projections of ws_p predict the 12 attributes, and on synthetic data
   an edit of one attribute (or of `edit_flips` at once; of a photo or a sketch code) must
   reproduce the engine's counterfactual render of that face, and the discriminator's
   attribute head (trained on real photos) must find the edited attribute on it;
4. the sketch reconstructions, random codes from the MappingNetwork (every
   `random_fakes_every` steps) and, with `adversarial_edits`, the edited faces meet the
   dual-branch discriminator (image + segmentation), with lazy R1.

Resumable: `accelerator.save_state` every `checkpoint_every` steps in OUT/checkpoint, with the
step and the wall minutes so far (a resume goes on with the clock of `max_minutes` and the
learning-rate tail); the state at the first step of the tail is kept once in
OUT/checkpoint-tail.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from s2fgan.constants import ATTRIBUTE_INDEX, NUM_ATTRIBUTES
from s2fgan.data import SyntheticPortraits
from s2fgan.layers.gradient_reversal import grad_reverse
from s2fgan.models.attribute_mapper import AttributeMapper, projection_loss
from s2fgan.models.discriminators import DualBranchDiscriminator, LatentDomainDiscriminator
from s2fgan.models.encoders import ImageEncoder, SketchEncoder
from s2fgan.models.mapping import MappingNetwork
from s2fgan.models.region_generator import RegionGenerator
from s2fgan.pipelines.sketch_to_face import SketchToFacePipeline
from s2fgan.training import losses
from s2fgan.training.config import TrainConfig
from s2fgan.training.ema import EMA
from s2fgan.training.schedule import check_schedule, lr_scale, run_progress, tail_ramp

logger = logging.getLogger(__name__)


# the networks a SketchToFacePipeline is made of; Networks holds them under the same names
PIPELINE_COMPONENTS = tuple(SketchToFacePipeline.component_classes())


class Networks(torch.nn.Module):
    """Every trained network, so that Accelerate prepares and checkpoints them together."""

    def __init__(self, config: TrainConfig) -> None:
        super().__init__()
        g = dict(config.generator)
        self.generator = RegionGenerator(**g)
        w_dim = self.generator.config.w_dim
        self.mapping = MappingNetwork(w_dim=w_dim, z_dim=w_dim)
        enc = dict(resolution=config.resolution, w_dim=w_dim, **config.encoder)
        self.sketch_encoder = SketchEncoder(**enc)
        self.image_encoder = ImageEncoder(**enc, head_norm=config.image_encoder_head_norm)
        self.attribute_mapper = AttributeMapper(w_dim=w_dim)
        self.latent_discriminator = LatentDomainDiscriminator(w_dim=w_dim)
        d = dict(num_attributes=NUM_ATTRIBUTES if config.w_edit_class > 0 else 0)
        self.discriminator = DualBranchDiscriminator(
            resolution=config.resolution, **{**d, **config.discriminator}
        )

    def generator_side(self) -> list[dict]:
        """The generator side's parameters as two optimiser groups: the attribute mapper's
        (its rate may end elsewhere, lr_final_attr) and the rest."""
        skip = set(self.discriminator.parameters())
        mapper = list(self.attribute_mapper.parameters())
        skip.update(mapper)
        rest = [p for p in self.parameters() if p not in skip]
        return [{"params": rest}, {"params": mapper}]


def start_from_pipeline(nets: Networks, folder: Path) -> None:
    """Replace the generator-side networks by those of a saved SketchToFacePipeline folder or
    a run's OUT/final (their own configs win over TrainConfig's overrides), and the image
    discriminator by the folder's `discriminator` when it has one; else it starts fresh."""
    if not (folder / "generator" / "config.json").exists():
        raise FileNotFoundError(f"init_from: {folder} has no generator/config.json")
    for name in PIPELINE_COMPONENTS:
        cls = type(getattr(nets, name))
        setattr(nets, name, cls.from_pretrained(folder / name).train())
    nets.latent_discriminator = LatentDomainDiscriminator(w_dim=nets.generator.config.w_dim)
    if (folder / "discriminator" / "config.json").exists():  # a run's OUT/final has it
        nets.discriminator = DualBranchDiscriminator.from_pretrained(folder / "discriminator")
        nets.discriminator.train()
    logger.info("generator side initialised from %s", folder)


def edit_sampling_weights(edit_weights: dict) -> torch.Tensor | None:
    """TrainConfig.edit_weights as one weight per attribute (None: uniform)."""
    if not edit_weights:
        return None
    unknown = set(edit_weights) - set(ATTRIBUTE_INDEX)
    if unknown:
        raise ValueError(f"edit_weights: unknown attributes {sorted(unknown)}")
    weights = torch.ones(NUM_ATTRIBUTES)
    for name, value in edit_weights.items():
        if not value >= 0:
            raise ValueError(f"edit_weights: {name} must be >= 0, got {value}")
        weights[ATTRIBUTE_INDEX[name]] = float(value)
    if weights.sum() <= 0:
        raise ValueError("edit_weights: at least one attribute needs a weight > 0")
    return weights


def _counterfactual(
    engine, batch, rng: torch.Generator, weights: torch.Tensor | None = None, flips: int = 1
):
    """Pick `flips` distinct attributes per portrait (uniformly, or by `weights`) and render
    the same faces with them flipped. Returns their indices [n, flips] and the render."""
    n = len(batch)
    if flips == 1 and weights is None:  # the draw of the runs before edit_flips
        j = torch.randint(0, NUM_ATTRIBUTES, (n, 1), generator=rng)
    elif flips == 1:
        j = torch.multinomial(weights, n, replacement=True, generator=rng)[:, None]
    else:
        w = torch.ones(NUM_ATTRIBUTES) if weights is None else weights
        if int((w > 0).sum()) < flips:
            raise ValueError(f"edit_flips {flips}: fewer attributes than that have a weight > 0")
        j = torch.multinomial(w.expand(n, -1), flips, replacement=False, generator=rng)
    flipped = batch.attributes.clone()
    rows = torch.arange(n)[:, None]
    flipped[rows, j] *= -1
    return j, engine.render(batch.seeds, flipped)


def train(config: TrainConfig, progress: bool = True) -> Path:
    """Train, checkpoint and return the folder with the final networks (OUT/final): the
    pipeline's components and the image discriminator."""
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    out = Path(config.out_dir)
    accelerator = Accelerator(mixed_precision=config.mixed_precision)
    set_seed(config.seed)
    torch.set_flush_denormal(config.flush_denormal)  # process-wide; CPU only
    if config.data != "synthetic":
        raise ValueError("only --data synthetic is wired in this version")
    edit_weights = edit_sampling_weights(config.edit_weights)
    engine = SyntheticPortraits(
        config.resolution,
        sketch_style=config.sketch_style,
        compile=config.compile_engine,
        chunk_size=config.batch_size,
    )
    nets = Networks(config)
    if config.init_from:
        start_from_pipeline(nets, Path(config.init_from))
    if nets.generator.resolution != config.resolution:
        raise ValueError(
            f"generator renders {nets.generator.resolution}px but resolution is "
            f"{config.resolution}; change generator grid_size/render_widths"
        )
    g_groups = nets.generator_side()
    g_params = [p for group in g_groups for p in group["params"]]
    d_params = list(nets.discriminator.parameters())
    opt_g = torch.optim.Adam(g_groups, lr=config.lr, betas=config.betas)
    opt_d = torch.optim.Adam(d_params, lr=config.lr_d, betas=config.betas)
    nets, opt_g, opt_d = accelerator.prepare(nets, opt_g, opt_d)
    raw = accelerator.unwrap_model(nets)
    ema = EMA(raw.generator, config.ema_decay)
    accelerator.register_for_checkpointing(ema.shadow)

    state_path, tail_path = out / "checkpoint", out / "checkpoint-tail"
    final_attr = config.lr_final if config.lr_final_attr < 0 else config.lr_final_attr
    finals = {
        "lr_final": config.lr_final,
        "lr_final_d": config.lr_final_d,
        "lr_final_attr": final_attr,
    }
    check_schedule(config.lr_decay_tail, finals)  # bad schedule values fail before a step
    if not config.edit_boost >= 0:
        raise ValueError(f"edit_boost must be >= 0, got {config.edit_boost}")
    if config.random_fakes_every < 0:
        raise ValueError(f"random_fakes_every must be >= 0, got {config.random_fakes_every}")
    if not 1 <= config.edit_flips <= NUM_ATTRIBUTES:
        raise ValueError(f"edit_flips must lie in [1, {NUM_ATTRIBUTES}], got {config.edit_flips}")
    step = config.init_step
    if not 0 <= step < config.steps:
        raise ValueError(f"init_step {step} must lie in [0, steps={config.steps})")
    minutes_before = 0.0  # wall time of the run before a resume: the clock goes on
    if (state_path / "step.json").exists():
        accelerator.load_state(str(state_path))
        saved = json.loads((state_path / "step.json").read_text())
        step, minutes_before = saved["step"], saved.get("minutes", 0.0)
        logger.info("resumed from %s at step %d (%.1f min)", state_path, step, minutes_before)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(asdict(config), indent=2))

    device = accelerator.device
    region_weight = None  # plain cross-entropy
    if config.mask_balance > 0:
        sample_mask = engine.render(range(256)).mask  # region shares of training portraits
        region_weight = losses.region_weights(
            sample_mask,
            raw.generator.config.num_regions,
            config.mask_balance,
            config.mask_balance_max,
        ).to(device)
        logger.info("region weights of the mask losses: %s", region_weight.tolist())
    # the discriminator has its attribute head when w_edit_class > 0 (Networks) or when
    # config.discriminator asks for one; both sides of a step ask the same question
    has_head = raw.discriminator.attribute_head is not None
    # a run with neither an adversarial term nor an attribute head skips D altogether
    uses_d = has_head or config.w_adversarial > 0
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
    for step in bar:
        # Each process and step draws its own TRAIN seeds: never the same portrait twice.
        first = (step * accelerator.num_processes + accelerator.process_index) * config.batch_size
        batch = engine.render(range(first, first + config.batch_size))
        edit_j, flipped = _counterfactual(engine, batch, rng, edit_weights, config.edit_flips)
        photo, sketch, mask = (
            batch.image.to(device),
            batch.sketch.to(device),
            batch.mask.to(device),
        )
        attrs = batch.attributes.to(device)

        minutes = run_minutes()
        progress = run_progress(step, config.steps, minutes, config.max_minutes)
        scale = lr_scale(progress, config.lr_decay_tail, config.lr_final)
        scale_d = lr_scale(progress, config.lr_decay_tail, config.lr_final_d)
        scale_attr = lr_scale(progress, config.lr_decay_tail, final_attr)
        boost = tail_ramp(progress, config.lr_decay_tail, config.edit_boost)
        # the state where the tail begins is kept once, so that tail experiments can branch
        # from it (copy it to another OUT/checkpoint) instead of recomputing the steps before
        if progress > 1 - config.lr_decay_tail and not tail_kept:
            _save_checkpoint(accelerator, tail_path, step, minutes)
            tail_kept = True
        rest, mapper = opt_g.param_groups  # the two groups of Networks.generator_side
        rest["lr"], mapper["lr"] = config.lr * scale, config.lr * scale_attr
        for group in opt_d.param_groups:
            group["lr"] = config.lr_d * scale_d

        # ---- generator side (forward only while the discriminators warm up)
        g_trains = step >= config.init_step + config.d_warmup_steps
        # --mixed-precision: the networks are called one by one, not through the prepared
        # module's forward that Accelerate wraps, so its autocast is entered here (and for D)
        with torch.set_grad_enabled(g_trains), accelerator.autocast():
            ws_p = raw.image_encoder(photo)
            ws_s = raw.sketch_encoder(sketch)
            out_p, out_s = raw.generator(ws_p), raw.generator(ws_s)
            rec = losses.reconstruction(out_p.image, photo)
            rec = rec + losses.reconstruction(out_s.image, photo)
            seg = losses.mask_cross_entropy(
                out_p.segmentation, mask, region_weight
            ) + losses.mask_cross_entropy(out_s.segmentation, mask, region_weight)
            dice = torch.zeros((), device=device)
            if config.w_mask_dice > 0:  # off by default (TrainConfig): skip it on the hot path
                dice = losses.mask_dice(out_p.segmentation, mask) + losses.mask_dice(
                    out_s.segmentation, mask
                )
            coarse = losses.coarse_mask_cross_entropy(out_p.masks, mask, region_weight)
            semantic = losses.semantic_code(ws_s, ws_p)
            attr = projection_loss(raw.attribute_mapper.strengths(ws_p), attrs)
            targets = torch.full_like(attrs, float("nan"))
            rows = torch.arange(len(batch), device=device)[:, None]
            j = edit_j.to(device)
            targets[rows, j] = -attrs[rows, j] * config.edit_strength
            on_sketch = (torch.rand(len(batch), generator=rng) < config.edit_on_sketch).to(device)
            ws_src = torch.where(on_sketch[:, None, None], ws_s, ws_p)
            source = torch.where(on_sketch[:, None, None, None], out_s.image, out_p.image)
            out_e = raw.generator(raw.attribute_mapper.edit(ws_src, targets))
            edit = losses.reconstruction(
                out_e.image, flipped.image.to(device)
            ) + 0.5 * losses.mask_cross_entropy(
                out_e.segmentation, flipped.mask.to(device), region_weight
            )
            edit_delta = losses.edit_delta(
                out_e.image, source.detach(), flipped.image.to(device), photo
            )
            edit_class = torch.zeros((), device=device)
            if has_head:
                _, edit_logits = raw.discriminator.classify(
                    out_e.image, out_e.segmentation.softmax(1)
                )
                edit_class = losses.attribute_classification(
                    edit_logits[rows, j], (targets[rows, j] > 0).float()
                )
            adv = torch.zeros((), device=device)
            if uses_d:
                # Random and sketch faces meet the discriminator: L1 alone makes a face the blurred
                # mean of the photos its code could come from. `adversarial_edits` adds the edited
                # faces; it did not help (TrainConfig).
                fakes = [out_s] + ([out_e] if config.adversarial_edits else [])
                every = config.random_fakes_every
                if every > 0 and step % every == 0:
                    z = raw.mapping.sample_z(config.batch_size, rng).to(device)
                    fakes.insert(0, raw.generator(raw.mapping(z)))
                fake_image = torch.cat([o.image for o in fakes])
                fake_seg = torch.cat([o.segmentation for o in fakes]).softmax(1)
                fake_logits = raw.discriminator(fake_image, fake_seg)
                adv = losses.generator_adversarial(fake_logits)
            domain = losses.domain_classification(
                raw.latent_discriminator(grad_reverse(ws_s, 1.0)),
                raw.latent_discriminator(ws_p.detach()),
            )
            total = (
                config.w_reconstruction * rec
                + config.w_mask * seg
                + config.w_mask_dice * dice
                + config.w_coarse_mask * coarse
                + config.w_semantic * semantic
                + config.w_attribute * attr
                + boost * config.w_edit * edit
                + boost * config.w_edit_delta * edit_delta
                + boost * config.w_edit_class * edit_class
                + config.w_adversarial * adv
                + config.w_domain * domain
            )
        if not torch.isfinite(total):
            raise FloatingPointError(f"generator loss is {total.item()} at step {step + 1}")
        if g_trains:
            opt_g.zero_grad(set_to_none=True)
            accelerator.backward(total)
            accelerator.clip_grad_norm_(g_params, config.clip_grad)
            opt_g.step()
            ema.update(raw.generator, decay=min(config.ema_decay, (1 + step) / (10 + step)))

        # ---- discriminator side
        d_loss = d_class = torch.zeros((), device=device)
        if uses_d:
            real_seg = F.one_hot(mask, out_s.segmentation.shape[1]).permute(0, 3, 1, 2).float()
            lazy_r1 = config.r1_every > 0 and step % config.r1_every == 0
            real_image = photo.detach().requires_grad_(lazy_r1)
            real_seg = real_seg.requires_grad_(lazy_r1)
            with accelerator.autocast():
                real_logits, real_attr_logits = raw.discriminator.classify(real_image, real_seg)
                fake_logits = raw.discriminator(fake_image.detach(), fake_seg.detach())
            d_loss = losses.discriminator_adversarial(real_logits, fake_logits)
            if has_head:
                d_class = losses.attribute_classification(real_attr_logits, (attrs > 0).float())
                d_loss = d_loss + config.w_d_class * d_class
            if lazy_r1:
                r1 = losses.r1_penalty(real_logits, [real_image, real_seg])
                d_loss = d_loss + 0.5 * config.r1_gamma * config.r1_every * r1
            opt_d.zero_grad(set_to_none=True)
            accelerator.backward(d_loss)
            accelerator.clip_grad_norm_(d_params, config.clip_grad)
            opt_d.step()

        figures = {
            "step": step + 1,
            "rec": rec.item(),
            "seg": seg.item(),
            "dice": dice.item(),
            "semantic": semantic.item(),
            "attr": attr.item(),
            "edit": edit.item(),
            "edit_delta": edit_delta.item(),
            "edit_class": edit_class.item(),
            "d_class": d_class.item(),
            "adv": adv.item(),
            "d": d_loss.item(),
            "domain": domain.item(),
            "lr_scale": round(scale, 4),
            "lr_scale_d": round(scale_d, 4),
            "lr_scale_attr": round(scale_attr, 4),
            "edit_boost": round(boost, 4),
            "seconds": round(60 * run_minutes(), 1),
        }
        bar.set_postfix(
            rec=f"{figures['rec']:.3f}",
            delta=f"{figures['edit_delta']:.3f}",
            seg=f"{figures['seg']:.2f}",
        )
        if accelerator.is_main_process and ((step + 1) % config.log_every == 0 or step == 0):
            with log.open("a") as f:
                f.write(json.dumps(figures) + "\n")
        if accelerator.is_main_process and (step + 1) % config.sample_every == 0:
            _save_samples(out / "samples" / f"{step + 1:06d}.png", batch, out_s, out_e, flipped)
        minutes = run_minutes()
        out_of_time = config.max_minutes > 0 and minutes > config.max_minutes
        if (step + 1) % config.checkpoint_every == 0 or step + 1 == config.steps or out_of_time:
            _save_checkpoint(accelerator, state_path, step + 1, minutes)
        if out_of_time:
            logger.warning("stopping at step %d: --max-minutes %s", step + 1, config.max_minutes)
            break

    final = out / "final"
    if accelerator.is_main_process:
        # the discriminator is no pipeline component; it is kept so that a fine-tune
        # (init_from) does not start with a blind one
        for name in (*PIPELINE_COMPONENTS, "discriminator"):
            network = ema.shadow if name == "generator" else getattr(raw, name)
            network.save_pretrained(final / name)
    return final


def _save_checkpoint(accelerator, path: Path, step: int, minutes: float) -> None:
    """The whole training state, with the step and wall minutes a resume goes on from."""
    accelerator.save_state(str(path))
    if accelerator.is_main_process:
        (path / "step.json").write_text(json.dumps({"step": step, "minutes": round(minutes, 3)}))


def _save_samples(path: Path, batch, out_s, out_e, flipped) -> None:
    """A grid: sketch | photo | sketch->face | counterfactual target | edited face."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    k = min(4, len(batch))
    cols = [
        batch.sketch[:k].expand(-1, 3, -1, -1) * 2 - 1,
        batch.image[:k],
        out_s.image[:k].detach().cpu().clamp(-1, 1),
        flipped.image[:k],
        out_e.image[:k].detach().cpu().clamp(-1, 1),
    ]
    grid = torch.cat([torch.cat(list(c), 1) for c in cols], 2)  # [3, k*H, 5*W]
    array = ((grid.permute(1, 2, 0) + 1) * 127.5).round().clamp(0, 255).byte().numpy()
    Image.fromarray(array).save(path)
