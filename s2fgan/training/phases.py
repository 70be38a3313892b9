"""The loss of one training step in named phases, after StyleGAN3's `training/loss.py`.

`TrainingLoss.generator_step` (StyleGAN3's Gmain) trains the generator side: photo ->
ImageEncoder -> ws_p and sketch -> SketchEncoder -> ws_s reconstruct the photo and its mask;
ws_s is pulled onto ws_p (S2FGAN's semantic-level loss) and a latent discriminator behind
gradient reversal makes sketch codes indistinguishable from photo codes; the AttributeMapper's
projections of ws_p predict the 12 attributes; an edit of some attributes (of a photo or a
sketch code) must reproduce the engine's counterfactual render where the data has one, and
the discriminator's attribute head must find the edited attribute on the edited face; the
sketch faces and random faces meet the dual-branch discriminator. With
`sketch_texture_from_photo` the sketch side's reconstruction renders the sketch's shape codes
with the photo's texture codes; with `w_feature_match` the photo's reconstructions (and an
edit's counterfactual) are also compared in the image discriminator's features.

`TrainingLoss.discriminator_step` (Dmain, with the lazy R1 regularisation folded in on the
steps that have it, StyleGAN3's Dboth) trains the image discriminator on real photos against
those fakes, and its attribute head on the photos' labels.

Every network that a phase trains is called through the module Accelerate prepared, so that
under several processes DistributedDataParallel averages its gradients. Each prepared network
runs once per phase where it can: the generator renders the photo, sketch, edited and random
codes in one batched pass, and the discriminator reads real and fake faces in one. The
discriminator that judges the generator's faces is the unwrapped one with its parameters
frozen (its gradients there would be thrown away), so the generator phase never touches its
DDP wrapper.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from s2fgan.data.batch import PortraitBatch
from s2fgan.layers.gradient_reversal import grad_reverse
from s2fgan.models.attribute_mapper import projection_loss
from s2fgan.models.latent_layout import LatentLayout
from s2fgan.models.region_generator import RegionGeneratorOutput
from s2fgan.training import losses
from s2fgan.training.config import TrainConfig

# the terms a step logs, in this order; a term a run does not use is 0
GENERATOR_TERMS = (
    "rec",
    "seg",
    "dice",
    "coarse",
    "semantic",
    "anchor",
    "attr",
    "edit",
    "edit_delta",
    "edit_class",
    "cycle",
    "feature_match",
    "adv",
    "domain",
)
DISCRIMINATOR_TERMS = ("d", "d_adv", "d_class", "r1")


@dataclass
class StepInputs:
    """One process's inputs of a step, on the training device.

    Attributes:
        photo: [B, 3, H, W] in [-1, 1]; sketch: [B, 1, H, W] in [0, 1]; mask: [B, H, W].
        attributes: [B, 12] in {-1, +1}.
        edit_j: [B, K] the attributes each portrait's training edit flips.
        on_sketch: [B] bool, whether the edit acts on the sketch code (else the photo code).
        counterfactual: the same portraits with edit_j flipped (image [B, 3, H, W],
            mask [B, H, W]), or None where the data has none (real photos).
        z: [B, num_ws, z_dim] latents of this step's random faces, or None.
    """

    photo: torch.Tensor
    sketch: torch.Tensor
    mask: torch.Tensor
    attributes: torch.Tensor
    edit_j: torch.Tensor
    on_sketch: torch.Tensor
    counterfactual: PortraitBatch | None = None
    z: torch.Tensor | None = None


@dataclass
class GeneratorStep:
    """What the generator phase returns: its weighted total, the unweighted terms (scalars,
    by GENERATOR_TERMS), the fakes the discriminator phase reads (detached; None when the run
    has no discriminator) and the renders for sample grids."""

    total: torch.Tensor
    terms: dict[str, torch.Tensor]
    fake_image: torch.Tensor | None
    fake_segmentation: torch.Tensor | None
    sketch_face: RegionGeneratorOutput
    edited_face: RegionGeneratorOutput | None


@dataclass
class _Edit:
    """A step's training edit: rows [B, 1] and the flipped attributes j [B, K] index the
    edited entries of targets [B, 12] (-attribute * edit_strength there, NaN elsewhere: the
    AttributeMapper keeps those strengths)."""

    rows: torch.Tensor
    j: torch.Tensor
    targets: torch.Tensor

    @classmethod
    def of(cls, inputs: StepInputs, strength: float) -> _Edit:
        attrs = inputs.attributes
        rows = torch.arange(len(attrs), device=attrs.device)[:, None]
        j = inputs.edit_j
        targets = torch.full_like(attrs, float("nan"))
        targets[rows, j] = -attrs[rows, j] * strength
        return cls(rows, j, targets)


@dataclass
class _Faces:
    """The codes of a generator phase and their renders: the photo's, the sketch's, the
    sketch's shapes in the photo's textures (`shape`: the sketch's face without
    sketch_texture_from_photo), the edited code's and the random faces' (or None)."""

    ws_p: torch.Tensor
    ws_s: torch.Tensor
    ws_src: torch.Tensor  # the code the edit started from
    photo: RegionGeneratorOutput
    sketch: RegionGeneratorOutput
    edited: RegionGeneratorOutput
    shape: RegionGeneratorOutput
    random: RegionGeneratorOutput | None


def with_textures_of(ws: torch.Tensor, donor: torch.Tensor, num_regions: int) -> torch.Tensor:
    """`ws` [B, num_ws, w_dim] with every region's texture slot taken from `donor`."""
    return LatentLayout(num_regions, ws.shape[-1]).copy_slots(ws, donor, parts=("texture",))


def _split(
    out: tuple[torch.Tensor, torch.Tensor, torch.Tensor], sizes: list[int]
) -> list[RegionGeneratorOutput]:
    """A batched render (image, segmentation, masks) cut into the renders of its codes."""
    parts = zip(*(t.split(sizes) for t in out), strict=True)
    return [RegionGeneratorOutput(image=i, segmentation=s, masks=m) for i, s, m in parts]


class TrainingLoss:
    """The phases of a step over the run's networks.

    Args:
        prepared: name -> network as Accelerate prepared it (a DDP wrapper under several
            processes): generator, mapping, sketch_encoder, image_encoder,
            latent_discriminator, and `classifier` (a training.networks.Classifier).
        raw: name -> the same networks unwrapped, plus `attribute_mapper` and
            `discriminator`.
        config: the run's TrainConfig (loss weights and edit settings).
        region_weight: [R] weights of the mask cross-entropies, or None (plain).
        autocast: context manager of the forward passes (Accelerator.autocast).
        reduce_mean: the mean of a tensor over the processes (Accelerator.reduce), so that
            the mapping network's tracked mean code stays the same on every process.
    """

    def __init__(
        self,
        prepared: dict[str, nn.Module],
        raw: dict[str, nn.Module],
        config: TrainConfig,
        region_weight: torch.Tensor | None = None,
        autocast=contextlib.nullcontext,
        reduce_mean=lambda t: t,
    ) -> None:
        if config.sketch_edit_texture_from_photo and not config.sketch_texture_from_photo:
            raise ValueError("sketch_edit_texture_from_photo needs sketch_texture_from_photo")
        self.nets, self.raw, self.config = prepared, raw, config
        self.region_weight = region_weight
        self.autocast, self.reduce_mean = autocast, reduce_mean
        self.has_head = raw["discriminator"].attribute_head is not None
        # a run with neither an adversarial term nor an attribute head skips D altogether
        self.uses_discriminator = not config.train_only and (
            self.has_head or config.w_adversarial > 0
        )

    def generator_step(self, inputs: StepInputs, edit_weight: float = 1.0) -> GeneratorStep:
        """The generator side's loss (Gmain). `edit_weight` scales the three edit terms
        (TrainConfig.edit_boost's ramp). Runs with gradients when they are enabled."""
        c, raw = self.config, self.raw
        terms = dict.fromkeys(GENERATOR_TERMS, inputs.photo.new_zeros(()))
        raw["discriminator"].requires_grad_(False)
        with self.autocast():
            edit = _Edit.of(inputs, c.edit_strength)
            faces = self._render_codes(inputs, edit)
            self._reconstruction_terms(terms, inputs, faces)
            self._edit_terms(terms, inputs, faces, edit)
            if c.w_feature_match > 0:
                terms["feature_match"] = self._feature_match_term(inputs, faces)
            fake_image = fake_seg = None
            if self.uses_discriminator:
                fake_image, fake_seg = self._fakes(faces)
                terms["adv"] = losses.generator_adversarial(
                    raw["discriminator"](fake_image, fake_seg)
                )
            if c.w_domain > 0:
                logits = self.nets["latent_discriminator"](
                    torch.cat([grad_reverse(faces.ws_s, 1.0), faces.ws_p.detach()])
                )
                n = len(inputs.photo)
                terms["domain"] = losses.domain_classification(logits[:n], logits[n:])
            total = self._generator_total(terms, edit_weight)
        raw["discriminator"].requires_grad_(True)
        if fake_image is not None:
            fake_image, fake_seg = fake_image.detach(), fake_seg.detach()
        return GeneratorStep(total, terms, fake_image, fake_seg, faces.sketch, faces.edited)

    def _render_codes(self, inputs: StepInputs, edit: _Edit) -> _Faces:
        """Encode the photo and the sketch, edit one of the two codes, map the random z, and
        render every code in one batched pass of the generator."""
        c, nets, raw = self.config, self.nets, self.raw
        ws_p = nets["image_encoder"](inputs.photo)
        ws_s = nets["sketch_encoder"](inputs.sketch)
        on_sketch = inputs.on_sketch[:, None, None]
        ws_st = None
        if c.sketch_texture_from_photo:
            ws_st = with_textures_of(ws_s, ws_p, raw["generator"].config.num_regions)
        ws_sketch_src = ws_st if c.sketch_edit_texture_from_photo else ws_s
        ws_src = torch.where(on_sketch, ws_sketch_src, ws_p)
        ws_e = raw["attribute_mapper"].edit(ws_src, edit.targets)
        codes = {"p": ws_p, "s": ws_s, "e": ws_e}
        if ws_st is not None:
            codes["st"] = ws_st
        if inputs.z is not None:
            ws_r = nets["mapping"](inputs.z)
            raw["mapping"].track_w_avg(self.reduce_mean(ws_r.detach().float().mean(0)))
            codes["r"] = ws_r
        rendered = nets["generator"](torch.cat(list(codes.values())))
        outs = dict(zip(codes, _split(rendered, [len(w) for w in codes.values()]), strict=True))
        return _Faces(
            ws_p=ws_p,
            ws_s=ws_s,
            ws_src=ws_src,
            photo=outs["p"],
            sketch=outs["s"],
            edited=outs["e"],
            shape=outs.get("st", outs["s"]),
            random=outs.get("r"),
        )

    def _reconstruction_terms(
        self, terms: dict[str, torch.Tensor], inputs: StepInputs, faces: _Faces
    ) -> None:
        """rec, seg, dice, coarse: the photo's and the sketch's faces against the photo and
        its mask; semantic: the sketch code on the photo code; attr: the photo code's
        attribute projections against the labels."""
        c, rw = self.config, self.region_weight
        photo, mask = inputs.photo, inputs.mask
        out_p, out_s = faces.photo, faces.sketch
        terms["rec"] = losses.reconstruction(out_p.image, photo) + losses.reconstruction(
            faces.shape.image, photo
        )
        terms["seg"] = losses.mask_cross_entropy(
            out_p.segmentation, mask, rw
        ) + losses.mask_cross_entropy(out_s.segmentation, mask, rw)
        if c.w_mask_dice > 0:  # off by default: skip it on the hot path
            terms["dice"] = losses.mask_dice(out_p.segmentation, mask) + losses.mask_dice(
                out_s.segmentation, mask
            )
        terms["coarse"] = losses.coarse_mask_cross_entropy(out_p.masks, mask, rw)
        terms["semantic"] = losses.semantic_code(faces.ws_s, faces.ws_p)
        terms["attr"] = projection_loss(
            self.raw["attribute_mapper"].strengths(faces.ws_p), inputs.attributes
        )

    def _edit_terms(
        self, terms: dict[str, torch.Tensor], inputs: StepInputs, faces: _Faces, edit: _Edit
    ) -> None:
        """edit, edit_delta: the edited face against the counterfactual (where the data has
        one); edit_class: the discriminator's attribute head on the edited face; cycle."""
        c, out_e = self.config, faces.edited
        target = inputs.counterfactual
        if target is not None:
            terms["edit"] = losses.reconstruction(
                out_e.image, target.image
            ) + 0.5 * losses.mask_cross_entropy(out_e.segmentation, target.mask, self.region_weight)
            sketch_source = faces.shape if c.sketch_edit_texture_from_photo else faces.sketch
            source = torch.where(
                inputs.on_sketch[:, None, None, None], sketch_source.image, faces.photo.image
            )
            terms["edit_delta"] = losses.edit_delta(
                out_e.image, source.detach(), target.image, inputs.photo
            )
        rows, j = edit.rows, edit.j
        if self.has_head:
            _, edit_logits = self.raw["discriminator"].classify(
                out_e.image, out_e.segmentation.softmax(1)
            )
            terms["edit_class"] = losses.attribute_classification(
                edit_logits[rows, j], (edit.targets[rows, j] > 0).float()
            )
        if c.w_edit_cycle > 0:
            terms["cycle"] = self.cycle_term(out_e.image, faces.ws_src, rows, j)

    def _feature_match_term(self, inputs: StepInputs, faces: _Faces) -> torch.Tensor:
        """The photo's reconstructions (and an edit's counterfactual) compared in the image
        discriminator's features."""
        features = self.raw["discriminator"].image_features
        faces_of_photo = torch.cat([faces.photo.image, faces.shape.image])
        term = losses.feature_match(features, faces_of_photo, inputs.photo.repeat(2, 1, 1, 1))
        if inputs.counterfactual is not None:
            term = term + losses.feature_match(
                features, faces.edited.image, inputs.counterfactual.image
            )
        return term

    def _fakes(self, faces: _Faces) -> tuple[torch.Tensor, torch.Tensor]:
        """The faces that meet the discriminator: images and soft masks, random faces first."""
        # Random and sketch faces meet the discriminator: L1 alone makes a face the
        # blurred mean of the photos its code could come from.
        fakes = [faces.sketch] + ([faces.edited] if self.config.adversarial_edits else [])
        if faces.random is not None:
            fakes.insert(0, faces.random)
        fake_image = torch.cat([o.image for o in fakes])
        fake_seg = torch.cat([o.segmentation for o in fakes]).softmax(1)
        return fake_image, fake_seg

    def _generator_total(self, terms: dict[str, torch.Tensor], edit_weight: float) -> torch.Tensor:
        """The weighted sum of the generator terms; `edit_weight` scales the three edit terms."""
        c = self.config
        return (
            c.w_reconstruction * terms["rec"]
            + c.w_mask * terms["seg"]
            + c.w_mask_dice * terms["dice"]
            + c.w_coarse_mask * terms["coarse"]
            + c.w_semantic * terms["semantic"]
            + c.w_attribute * terms["attr"]
            + edit_weight * c.w_edit * terms["edit"]
            + edit_weight * c.w_edit_delta * terms["edit_delta"]
            + edit_weight * c.w_edit_class * terms["edit_class"]
            + c.w_edit_cycle * terms["cycle"]
            + c.w_feature_match * terms["feature_match"]
            + c.w_adversarial * terms["adv"]
            + c.w_domain * terms["domain"]
        )

    def sketch_encoder_step(self, inputs: StepInputs) -> GeneratorStep:
        """The loss of a run that trains the sketch encoder alone (TrainConfig.train_only).

        The sketch's code must draw the portrait's mask and photo through the frozen generator
        and stays near the frozen photo code (w_semantic). Its base and texture slots stay
        near those of the encoder the run started from (w_sketch_anchor): the evaluator and
        the eye read textures, and a generator trained with that encoder's textures renders
        eyes, brows and glasses from them, while the shape slots draw the layout."""
        c, raw = self.config, self.raw
        zero = inputs.photo.new_zeros(())
        terms = dict.fromkeys(GENERATOR_TERMS, zero)
        with self.autocast():
            with torch.no_grad():
                ws_p = raw["image_encoder"](inputs.photo)
                ws_0 = raw["sketch_anchor"](inputs.sketch)
            ws_s = self.nets["sketch_encoder"](inputs.sketch)
            layout = LatentLayout(raw["generator"].config.num_regions, ws_s.shape[-1])
            kept = [0] + [layout.texture_slot(k) for k in range(layout.num_regions)]
            (out,) = _split(self.nets["generator"](ws_s), [len(ws_s)])
            terms["rec"] = losses.reconstruction(out.image, inputs.photo)
            terms["seg"] = losses.mask_cross_entropy(
                out.segmentation, inputs.mask, self.region_weight
            )
            terms["semantic"] = losses.semantic_code(ws_s, ws_p)
            terms["anchor"] = losses.semantic_code(ws_s[:, kept], ws_0[:, kept])
            total = (
                c.w_reconstruction * terms["rec"]
                + c.w_mask * terms["seg"]
                + c.w_semantic * terms["semantic"]
                + c.w_sketch_anchor * terms["anchor"]
            )
        return GeneratorStep(total, terms, None, None, out, None)

    def cycle_term(
        self, edited_image: torch.Tensor, ws_src: torch.Tensor, rows: torch.Tensor, j: torch.Tensor
    ) -> torch.Tensor:
        """The latent cycle edit(E(G(edit(w, a))), a_w) = w: the edited face, encoded again
        and edited back to the source code's strengths a_w of the edited attributes, must
        give the source code. Where no counterfactual shows what an edit looks like, this
        keeps an edit from changing what the sliders cannot undo."""
        mapper = self.raw["attribute_mapper"]
        ws_back = self.nets["image_encoder"](edited_image)
        back = torch.full((len(ws_src), len(mapper.attributes)), float("nan"), device=ws_src.device)
        back[rows, j] = mapper.strengths(ws_src.detach())[rows, j].clamp(
            -mapper.config.max_strength, mapper.config.max_strength
        )
        return (mapper.edit(ws_back, back) - ws_src.detach()).pow(2).mean()

    def discriminator_step(
        self,
        inputs: StepInputs,
        fake_image: torch.Tensor,
        fake_segmentation: torch.Tensor,
        r1: bool,
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """The image discriminator's loss (Dmain; with `r1`, plus lazy R1 on the real inputs,
        scaled by r1_every): real photos with one-hot masks against the generator phase's
        fakes, in one pass. Returns the weighted total and the terms."""
        c = self.config
        n = len(inputs.photo)
        num_regions = fake_segmentation.shape[1]
        real_seg = F.one_hot(inputs.mask, num_regions).permute(0, 3, 1, 2).float()
        real_image = inputs.photo.detach().requires_grad_(r1)
        real_seg = real_seg.requires_grad_(r1)
        with self.autocast():
            logits, attr_logits = self.nets["classifier"](
                torch.cat([real_image, fake_image]), torch.cat([real_seg, fake_segmentation])
            )
        terms = dict.fromkeys(DISCRIMINATOR_TERMS, logits.new_zeros(()))
        terms["d_adv"] = losses.discriminator_adversarial(logits[:n], logits[n:])
        total = terms["d_adv"]
        if self.has_head:
            labels = (inputs.attributes > 0).float()
            terms["d_class"] = losses.attribute_classification(attr_logits[:n], labels)
            total = total + c.w_d_class * terms["d_class"]
        if r1:
            terms["r1"] = losses.r1_penalty(logits[:n], [real_image, real_seg])
            total = total + 0.5 * c.r1_gamma * c.r1_every * terms["r1"]
        terms["d"] = total
        return total, terms
