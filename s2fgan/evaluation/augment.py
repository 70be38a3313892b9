"""Augmentations that make evaluators fair judges of generated images: sensor noise, blur,
small colour shifts and JPEG compression, so that a judge does not key on the engine's exact
rendering and still reads a slightly degraded generator output correctly."""

from __future__ import annotations

import io

import torch
from PIL import Image

from s2fgan.data.image_io import pil_to_tensor, tensor_to_pil
from s2fgan.data.photo_to_sketch import gaussian_blur


def augment(
    image: torch.Tensor, generator: torch.Generator, jpeg_share: float = 0.25
) -> torch.Tensor:
    """Randomly degrade a batch [B, 3, H, W] in [-1, 1]; returns the same shape and range."""
    b = image.shape[0]
    out = image
    # Colour: per-image gain and offset per channel, and a brightness change.
    gain = 1 + 0.08 * (torch.rand(b, 3, 1, 1, generator=generator) * 2 - 1)
    offset = 0.06 * (torch.rand(b, 3, 1, 1, generator=generator) * 2 - 1)
    out = out * gain + offset
    # Blur half of the images a little.
    blurred = gaussian_blur(out, 0.8)
    use_blur = (torch.rand(b, 1, 1, 1, generator=generator) < 0.5).float()
    out = use_blur * blurred + (1 - use_blur) * out
    # Sensor noise of a random strength.
    sigma = 0.06 * torch.rand(b, 1, 1, 1, generator=generator)
    out = out + sigma * torch.randn(out.shape, generator=generator)
    out = out.clamp(-1, 1)
    # JPEG for a share of the batch, at quality 40-90.
    pick = torch.rand(b, generator=generator) < jpeg_share
    qualities = torch.randint(40, 91, (b,), generator=generator)
    for i in torch.nonzero(pick).flatten().tolist():
        out[i] = _jpeg(out[i], int(qualities[i]))
    return out


def _jpeg(image: torch.Tensor, quality: int) -> torch.Tensor:
    buffer = io.BytesIO()
    tensor_to_pil(image).save(buffer, format="JPEG", quality=quality)
    return pil_to_tensor(Image.open(buffer))
