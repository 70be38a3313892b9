"""Losses of s2fgan training, as pure functions of tensors.

Adversarial (non-saturating, R1) and dual-branch realism after SemanticStyleGAN; the
semantic-level sketch loss and the latent domain loss after S2FGAN; reconstruction and mask
supervision that the synthetic data makes possible.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F


def generator_adversarial(fake_logits: torch.Tensor) -> torch.Tensor:
    """Non-saturating generator loss: softplus(-D(fake))."""
    return F.softplus(-fake_logits).mean()


def discriminator_adversarial(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """softplus(-D(real)) + softplus(D(fake))."""
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def r1_penalty(real_logits: torch.Tensor, real_inputs: list[torch.Tensor]) -> torch.Tensor:
    """Squared gradient norm of D's output w.r.t. its real inputs (inputs need requires_grad)."""
    grads = torch.autograd.grad(real_logits.sum(), real_inputs, create_graph=True)
    return sum(g.pow(2).flatten(1).sum(1).mean() for g in grads)


def reconstruction(image: torch.Tensor, target: torch.Tensor, scales: int = 3) -> torch.Tensor:
    """L1 at full, half and quarter resolution: sharp details and overall colour both count."""
    loss = (image - target).abs().mean()
    for _ in range(scales - 1):
        image, target = F.avg_pool2d(image, 2), F.avg_pool2d(target, 2)
        loss = loss + (image - target).abs().mean()
    return loss / scales


def mask_cross_entropy(
    segmentation: torch.Tensor, mask: torch.Tensor, weight: torch.Tensor | None = None
) -> torch.Tensor:
    """Cross-entropy of segmentation logits [B, R, H, W] against region ids [B, H, W], with
    an optional weight per region [R] (see `region_weights`)."""
    return F.cross_entropy(segmentation, mask, weight=weight)


def region_weights(
    mask: torch.Tensor, num_regions: int, power: float = 0.5, max_weight: float = 10.0
) -> torch.Tensor:
    """Per-region cross-entropy weights [R] from region ids [N, H, W]: share ** -power,
    scaled so that the mean weight over the pixels is 1, then clipped to `max_weight`.

    Plain cross-entropy is a mean over pixels, so brows, eyes and earrings (0.02-0.3% of
    the pixels) hardly count, while mIoU counts every region alike. power 0 gives ones.
    """
    count = torch.bincount(mask.flatten(), minlength=num_regions).double()
    share = (count / count.sum()).clamp_min(1e-5)  # a region never seen gets the cap
    weight = share.pow(-power)
    weight = weight / (share * weight).sum()
    return weight.clamp(max=max_weight).float()


def mask_dice(segmentation: torch.Tensor, mask: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """1 - soft Dice of segmentation logits [B, R, H, W] against region ids [B, H, W], per
    region over the batch and averaged over the regions present in the mask.

    Cross-entropy is a mean over pixels, so the eyes, brows and mouth (a few percent of the
    face) barely count; mIoU, what `s2fgan eval` reports, counts every region alike.
    """
    probs = segmentation.softmax(1)
    target = F.one_hot(mask, probs.shape[1]).permute(0, 3, 1, 2).to(probs.dtype)
    inter = (probs * target).sum((0, 2, 3))
    sizes = probs.sum((0, 2, 3)) + target.sum((0, 2, 3))
    dice = (2 * inter + eps) / (sizes + eps)
    present = target.sum((0, 2, 3)) > 0
    return 1 - dice[present].mean()


def coarse_mask_cross_entropy(
    masks: torch.Tensor, mask: torch.Tensor, weight: torch.Tensor | None = None
) -> torch.Tensor:
    """Supervise the generator's coarse softmax masks [B, R, g, g] with the region ids,
    downsampled by area (SemanticStyleGAN's masks must mean the regions, not just the render).
    An optional weight per region [R] weighs each target region as in `mask_cross_entropy`."""
    target = F.one_hot(mask, masks.shape[1]).permute(0, 3, 1, 2).float()
    target = F.adaptive_avg_pool2d(target, masks.shape[-1])
    log_masks = torch.log(masks.clamp_min(1e-6))
    if weight is None:
        return -(target * log_masks).sum(1).mean()
    target = target * weight.view(1, -1, 1, 1)
    return -(target * log_masks).sum() / target.sum()


def edit_delta(
    edited: torch.Tensor,
    source: torch.Tensor,
    target: torch.Tensor,
    original: torch.Tensor,
    threshold: float = 0.1,
) -> torch.Tensor:
    """An attribute edit must make the counterfactual's change where the change is.

    Compares the change the edit made (edited - source) with the engine's change
    (target - original), L1 averaged over the pixels the engine changed (plus a small
    floor elsewhere): an attribute touches a few percent of the picture, so a plain L1 to
    the counterfactual is met almost as well by an edit that does nothing.
    """
    want = target - original
    got = edited - source
    changed = (want.abs().amax(1, keepdim=True) > threshold).float()
    error = (got - want).abs().mean(1, keepdim=True)
    inside = (error * changed).flatten(1).sum(1) / changed.flatten(1).sum(1).clamp_min(1.0)
    return inside.mean() + 0.1 * error.mean()


def attribute_classification(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of attribute logits against 0/1 labels (S2FGAN/AttGAN's
    attribute classification: the discriminator learns it on real photos, the generator's
    edited faces must pass it)."""
    return F.binary_cross_entropy_with_logits(logits, labels)


def semantic_code(ws_sketch: torch.Tensor, ws_photo: torch.Tensor) -> torch.Tensor:
    """S2FGAN's semantic-level loss: the sketch code should equal the (fixed) photo code."""
    return (ws_sketch - ws_photo.detach()).pow(2).mean()


def domain_classification(sketch_logits: torch.Tensor, photo_logits: torch.Tensor) -> torch.Tensor:
    """Latent domain discriminator's loss (sketch codes = 1, photo codes = 0). Put the sketch
    codes through gradient reversal so the sketch encoder learns to fool it."""
    return F.binary_cross_entropy_with_logits(
        sketch_logits, torch.ones_like(sketch_logits)
    ) + F.binary_cross_entropy_with_logits(photo_logits, torch.zeros_like(photo_logits))


def feature_match(
    features: Callable[[torch.Tensor], list[torch.Tensor]],
    image: torch.Tensor,
    target: torch.Tensor,
) -> torch.Tensor:
    """pix2pixHD's feature matching: the mean L1 between a network's activations of `image`
    and of `target` (no gradient into the target), averaged over its layers."""
    with torch.no_grad():
        wanted = features(target)
    got = features(image)
    return sum((a - b).abs().mean() for a, b in zip(got, wanted, strict=True)) / len(got)
