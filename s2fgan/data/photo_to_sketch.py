"""Photo to line drawing with an extended difference of Gaussians (XDoG), no network.

Follows Winnemoeller, Kyprianidis and Olsen, "XDoG: An eXtended difference-of-Gaussians compendium
including advanced image stylization", Computers & Graphics 2012: the luminance is blurred at two
scales, sigma and k * sigma; their weighted difference D = G_sigma - tau * G_{k sigma} is negative
on the dark side of an edge and near zero on flat or smoothly shaded areas; a soft threshold

    T(D) = 1                               if D >= epsilon
    T(D) = 1 + tanh(phi * (D - epsilon))   otherwise

turns it into dark strokes on white paper. We keep epsilon slightly below zero so that faint
texture and shading stay white and only real contours (face outline, eyes, brows, nostrils,
mouth, hair masses) are drawn: the clean line look of a hand sketch rather than XDoG's hatched
"photo filter" look.

Scales are given in pixels of a `reference_size` (128 px) image and multiplied by
min(H, W) / reference_size, so a 512 px photo and its 128 px downscale give the same drawing up
to resampling. The contrast of the luminance is also normalised per image (robust percentiles),
so that a dim or washed-out photo is drawn like a well exposed one.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from PIL import Image

from s2fgan.data.image_io import load_image, pil_to_tensor, sketch_to_pil

logger = logging.getLogger(__name__)

# ITU-R 601 luma weights, the ones PIL's convert("L") uses, so grey and RGB inputs agree.
_LUMA = (0.299, 0.587, 0.114)


def gaussian_kernel1d(sigma: float, *, truncate: float = 3.0) -> torch.Tensor:
    """Normalised 1-D Gaussian kernel of odd length 2 * ceil(truncate * sigma) + 1.

    Args:
        sigma: standard deviation in pixels, > 0.
        truncate: half-width of the kernel in standard deviations.

    Returns:
        [K] float32 kernel summing to 1.
    """
    if not (sigma > 0 and math.isfinite(sigma)):
        raise ValueError(f"sigma must be a positive finite number, got {sigma}")
    radius = max(1, math.ceil(truncate * sigma))
    x = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-0.5 * (x / sigma) ** 2)
    return kernel / kernel.sum()


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur with replicated borders (so borders draw no false edges).

    Args:
        x: [N, C, H, W] float.
        sigma: standard deviation in pixels.

    Returns:
        [N, C, H, W], same dtype and device.
    """
    n, c, h, w = x.shape
    kernel = gaussian_kernel1d(sigma).to(device=x.device, dtype=x.dtype)
    radius = kernel.numel() // 2
    flat = x.reshape(n * c, 1, h, w)
    flat = F.pad(flat, (radius, radius, radius, radius), mode="replicate")
    flat = F.conv2d(flat, kernel.view(1, 1, 1, -1))  # along W
    flat = F.conv2d(flat, kernel.view(1, 1, -1, 1))  # along H
    return flat.reshape(n, c, h, w)


def _normalise_contrast(luma: torch.Tensor, low_q: float, high_q: float) -> torch.Tensor:
    """Stretch each image's [low_q, high_q] luminance percentiles to [0, 1].

    The stretch is capped (at least a 0.25 range is kept) so a nearly flat image is not blown up
    into noise: a flat grey picture must stay a blank page.
    """
    n = luma.shape[0]
    flat = luma.reshape(n, -1)
    if flat.shape[1] > 65536:
        # Percentiles of a strided subsample: same answer to within noise, far cheaper.
        flat = flat[:, :: flat.shape[1] // 65536]
    q = torch.quantile(
        flat, torch.tensor([low_q, high_q], device=luma.device, dtype=luma.dtype), dim=1
    )  # [2, N]
    lo, hi = q[0], q[1]
    span = (hi - lo).clamp_min(0.25)
    centre = 0.5 * (lo + hi)
    lo = centre - 0.5 * span
    return ((luma - lo.view(n, 1, 1, 1)) / span.view(n, 1, 1, 1)).clamp(0.0, 1.0)


@dataclass(frozen=True)
class XDoG:
    """XDoG settings, checked on creation; calling it draws a batch of luminance images.

    Args:
        sigma: inner Gaussian standard deviation, in pixels of a `reference_size` image;
            sets the stroke width and how fine a detail is drawn (larger: thicker, fewer lines).
        k: ratio of the outer to the inner standard deviation (> 1); 1.6 approximates a
            Laplacian of Gaussian.
        tau: weight of the outer Gaussian in (0, 1]; below 1 keeps flat areas of any brightness
            slightly positive, i.e. white paper.
        epsilon: threshold on the difference of Gaussians; responses weaker than -epsilon
            (faint texture, soft shading, JPEG noise) are not drawn. More negative: fewer lines.
        phi: steepness of the soft threshold; larger gives darker, crisper strokes.
        reference_size: image size (shorter side, px) at which `sigma` is given; blur widths
            scale with min(H, W) / reference_size, so drawings do not depend on resolution.
        normalize_contrast: stretch each image's 2nd..98th luminance percentiles to [0, 1]
            first, so that dim and bright photos are drawn alike.
    """

    sigma: float = 0.8
    k: float = 1.6
    tau: float = 0.98
    epsilon: float = -0.01
    phi: float = 120.0
    reference_size: int = 128
    normalize_contrast: bool = True

    def __post_init__(self) -> None:
        for name in ("sigma", "k", "phi"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive finite number, got {value}")
        if self.k <= 1:
            raise ValueError(f"k (outer / inner blur ratio) must be > 1, got {self.k}")
        if not (math.isfinite(self.tau) and 0 < self.tau <= 1):
            raise ValueError(f"tau must lie in (0, 1], got {self.tau}")
        if not (isinstance(self.reference_size, int) and self.reference_size > 0):
            raise ValueError(f"reference_size must be a positive int, got {self.reference_size!r}")

    def __call__(self, luma: torch.Tensor) -> torch.Tensor:
        """XDoG line drawing of a batch of luminance images.

        Args:
            luma: [N, 1, H, W] float luminance in [0, 1].

        Returns:
            [N, 1, H, W] float in [0, 1], white paper = 1.
        """
        h, w = luma.shape[-2:]
        scale = min(h, w) / self.reference_size
        if self.normalize_contrast:
            luma = _normalise_contrast(luma, 0.02, 0.98)
        inner = gaussian_blur(luma, self.sigma * scale)
        outer = gaussian_blur(luma, self.k * self.sigma * scale)
        d = inner - self.tau * outer
        strokes = 1.0 + torch.tanh(self.phi * (d - self.epsilon))
        return torch.where(d >= self.epsilon, torch.ones_like(d), strokes).clamp(0.0, 1.0)


def _tensor_luma(image: torch.Tensor) -> tuple[torch.Tensor, bool]:
    """Validate a [C, H, W] / [N, C, H, W] tensor in [-1, 1]; return [N, 1, H, W] luma in [0, 1]."""
    if image.ndim not in (3, 4):
        raise ValueError(
            f"expected an image tensor [3, H, W], [1, H, W], [N, 3, H, W] or [N, 1, H, W], "
            f"got shape {tuple(image.shape)}"
        )
    batched = image.ndim == 4
    x = image if batched else image.unsqueeze(0)
    if x.shape[1] not in (1, 3):
        raise ValueError(
            f"expected 1 (grey) or 3 (RGB) channels, got {x.shape[1]} in shape {tuple(image.shape)}"
        )
    if x.numel() == 0:
        raise ValueError(f"image tensor is empty, shape {tuple(image.shape)}")
    if not x.is_floating_point():
        raise ValueError(f"expected a floating image tensor in [-1, 1], got dtype {x.dtype}")
    x = x.float()
    if not torch.isfinite(x).all():
        raise ValueError("image tensor contains NaN or infinite values")
    lo, hi = x.min().item(), x.max().item()
    if lo < -1.001 or hi > 1.001:
        raise ValueError(
            f"image tensor must lie in [-1, 1], got values in [{lo:.3g}, {hi:.3g}] "
            f"(convert 0..1 images with x * 2 - 1 and 0..255 images with x / 127.5 - 1)"
        )
    x = (x.clamp(-1.0, 1.0) + 1.0) * 0.5
    if x.shape[1] == 3:
        weights = torch.tensor(_LUMA, device=x.device, dtype=x.dtype).view(1, 3, 1, 1)
        x = (x * weights).sum(dim=1, keepdim=True)
    return x, batched


def photo_to_sketch(image: Image.Image | torch.Tensor, **options) -> Image.Image | torch.Tensor:
    """Turn a photo into a clean line drawing (XDoG), dark strokes on white paper.

    Args:
        image: a PIL image of any size and mode (RGB, RGBA and LA composited over white, L, P,
            ...), or a float tensor in [-1, 1] of shape [3, H, W], [1, H, W] (grey),
            [N, 3, H, W] or [N, 1, H, W], on any device.
        **options: `XDoG` settings (sigma, k, tau, epsilon, phi, reference_size,
            normalize_contrast); its defaults draw the data engine's xdog style.

    Returns:
        For a PIL input, an "L" PIL image of the same size. For a tensor input, a float tensor
        in [0, 1] (white paper = 1) of shape [N, 1, H, W], or [1, H, W] for an unbatched input,
        with the input's dtype and device.

    Raises:
        ValueError: wrong shape or channel count, empty image, non-floating dtype, NaN or
            infinite values, values outside [-1, 1], or invalid parameters.
        TypeError: an input that is neither a PIL image nor a tensor.
    """
    xdog = XDoG(**options)
    if isinstance(image, Image.Image):
        if image.width == 0 or image.height == 0:
            raise ValueError(f"image is empty ({image.width}x{image.height} pixels)")
        luma, _ = _tensor_luma(pil_to_tensor(load_image(image)))
        return sketch_to_pil(xdog(luma)[0])  # [1, H, W] -> "L"
    if isinstance(image, torch.Tensor):
        luma, batched = _tensor_luma(image)
        sketch = xdog(luma).to(image.dtype)  # [N, 1, H, W]
        return sketch if batched else sketch[0]
    raise TypeError(f"expected a PIL image or a torch tensor, got {type(image).__name__}")
