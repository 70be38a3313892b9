"""Losses on the frozen pretrained features, as pure functions of tensors and callables.

`perceptual` is S2FGAN's VGG19 perceptual term (after Johnson et al. 2016, "Perceptual
Losses for Real-Time Style Transfer") on EfficientNet-Lite0's four maps instead of VGG's
layers, which cannot be downloaded here. The hinge pair is the adversarial loss Projected
GAN (Sauer et al. 2021) trains its projected discriminator with; discriminator feature
matching on the projected discriminator is `losses.feature_match(D.features, image, target)`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F


def perceptual(
    features: Callable[[torch.Tensor], list[torch.Tensor]],
    image: torch.Tensor,
    target: torch.Tensor,
    floor: float = 0.05,
) -> torch.Tensor:
    """Mean L1 between the feature maps of `image` and of `target` (no gradient into the
    target), each channel divided by its RMS over the target batch, averaged over the maps.

    Per-channel scaling makes every channel and every map count alike: on photos at 128 px
    EfficientNet-Lite0's channels differ in RMS by up to 4x within a map, and its coarsest map
    is about a third of the others, so an unscaled L1 would weigh them by that.

    Args:
        features: image [B, 3, H, W] -> maps [B, C_i, h_i, w_i] (a `FeatureNetwork`).
        image: [B, 3, H, W] in [-1, 1], e.g. a reconstruction.
        target: [B, 3, H, W] in [-1, 1], e.g. the photo it reconstructs.
        floor: a channel's RMS is taken as at least `floor` times the mean RMS of its map,
            so a channel that is nearly silent on this batch does not get a huge weight.
    """
    if image.shape != target.shape:
        raise ValueError(f"image {tuple(image.shape)} and target {tuple(target.shape)} differ")
    with torch.no_grad():
        wanted = features(target)
    got = features(image)
    total = image.new_zeros(())
    for a, b in zip(got, wanted, strict=True):
        rms = b.pow(2).mean((0, 2, 3), keepdim=True).sqrt()  # [1, C, 1, 1]
        rms = torch.maximum(rms, floor * rms.mean() + 1e-8)
        total = total + ((a - b).abs() / rms).mean()
    return total / len(got)


def discriminator_hinge(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """relu(1 - D(real)) + relu(1 + D(fake)), averaged over images and patches."""
    return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()


def generator_hinge(fake_logits: torch.Tensor) -> torch.Tensor:
    """-D(fake), averaged over images and patches."""
    return -fake_logits.mean()
