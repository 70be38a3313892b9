"""SketchEncoder and ImageEncoder: pictures -> the generator's code ws (after S2FGAN).

A residual encoder halves the resolution five times; heads at three scales write the three
kinds of slot, as pSp / S2FGAN map coarse-to-fine features to styles: the 1/8 features give
each region's w_texture, the 1/16 features each region's w_shape (where the region lies),
the 1/32 features w_base. Each head keeps the spatial layout (1x1 conv, then flatten), since
a region's code must know where that region is. A learned mean code is added to the output.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from s2fgan.constants import NUM_REGIONS
from s2fgan.layers.residual import ResidualDown
from s2fgan.models.latent_layout import LatentLayout


class _Head(nn.Module):
    """features [B, C, s, s] -> [B, slots, w_dim] through a 1x1 squeeze and a linear map."""

    def __init__(
        self, channels: int, squeeze: int, size: int, slots: int, w_dim: int, norm: bool
    ) -> None:
        super().__init__()
        self.size, self.slots, self.w_dim, self.norm = size, slots, w_dim, norm
        self.squeeze = nn.Conv2d(channels, squeeze, 1)
        self.linear = nn.Linear(squeeze * size * size, slots * w_dim)
        nn.init.normal_(self.linear.weight, std=0.5 / (squeeze * size * size) ** 0.5)
        nn.init.zeros_(self.linear.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != self.size:
            x = F.adaptive_avg_pool2d(x, self.size)
        x = F.leaky_relu(self.squeeze(x), 0.2)
        if self.norm:  # each channel to zero mean, unit variance over its positions
            x = F.instance_norm(x)
        x = x.flatten(1)
        return self.linear(x).view(-1, self.slots, self.w_dim)


class _Encoder(ModelMixin, ConfigMixin):
    """[B, in_channels, resolution, resolution] -> ws [B, 1 + 2 * num_regions, w_dim].

    Args:
        in_channels: 1 for sketches (white paper = 1), 3 for RGB photos in [-1, 1].
        resolution: input side (a power of two, at least 32).
        widths: channels at 1/2, 1/4, 1/8, 1/16 and 1/32 of the resolution.
        num_regions, w_dim: the code layout (see LatentLayout).
        head_channels: squeeze channels of the texture, shape and base heads.
        head_norm: normalise each head's input (no parameters). Without it a sketch encoder
            starts with codes that hardly depend on the sparse strokes (std 7e-5 across
            sketches) and training never gets it out of that: every sketch gave one face.
    """

    default_in_channels = 3

    @register_to_config
    def __init__(
        self,
        in_channels: int | None = None,
        resolution: int = 128,
        widths: tuple[int, ...] = (32, 64, 96, 128, 128),
        num_regions: int = NUM_REGIONS,
        w_dim: int = 128,
        head_channels: tuple[int, int, int] = (8, 16, 32),
        head_norm: bool = True,
    ) -> None:
        super().__init__()
        if len(widths) != 5:
            raise ValueError(f"widths needs 5 entries (1/2 .. 1/32 scale), got {len(widths)}")
        if resolution < 32 or resolution & (resolution - 1):
            raise ValueError(f"resolution must be a power of two >= 32, got {resolution}")
        self.in_channels = in_channels or self.default_in_channels
        self.layout = LatentLayout(num_regions, w_dim)
        self.stem = nn.Sequential(
            nn.Conv2d(self.in_channels, widths[0], 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(widths[0], widths[0], 3, 1, 1),
            nn.LeakyReLU(0.2),
        )
        self.blocks = nn.ModuleList(
            ResidualDown(a, b) for a, b in zip(widths, widths[1:], strict=False)
        )
        r = num_regions
        tex, shp, base = head_channels
        self.texture_head = _Head(widths[2], tex, resolution // 16, r, w_dim, head_norm)
        self.shape_head = _Head(widths[3], shp, resolution // 16, r, w_dim, head_norm)
        self.base_head = _Head(widths[4], base, resolution // 32, 1, w_dim, head_norm)
        self.w_avg = nn.Parameter(torch.zeros(self.layout.num_ws, w_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = self.config.resolution
        if x.dim() != 4 or x.shape[1] != self.in_channels or x.shape[-2:] != (size, size):
            raise ValueError(
                f"expected [B, {self.in_channels}, {size}, {size}], got {list(x.shape)}"
            )
        x = self.stem(self._normalise(x))
        features = []
        for block in self.blocks:
            x = block(x)
            features.append(x)  # 1/4, 1/8, 1/16, 1/32
        ws = torch.cat(
            [
                self.base_head(features[3]),
                self.shape_head(features[2]),
                self.texture_head(features[1]),
            ],
            dim=1,
        )
        return ws + self.w_avg

    def _normalise(self, x: torch.Tensor) -> torch.Tensor:
        return x


class SketchEncoder(_Encoder):
    """Sketch [B, 1, H, W] (dark strokes on white, in [0, 1]) -> ws. See `_Encoder`."""

    default_in_channels = 1

    def _normalise(self, x: torch.Tensor) -> torch.Tensor:
        return 1.0 - x  # ink = 1, paper = 0: empty paper gives the mean code


class ImageEncoder(_Encoder):
    """RGB photo [B, 3, H, W] in [-1, 1] -> ws (GAN inversion). See `_Encoder`."""

    default_in_channels = 3
