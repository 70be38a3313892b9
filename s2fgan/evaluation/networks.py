"""Evaluator networks: judges trained on the data engine's ground truth, never on a generator.

`AttributeClassifier` predicts the 12 attributes (its pooled features double as the embedding
for Frechet distance); `Segmenter` predicts the 13 regions. Both take images in [-1, 1].
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from s2fgan.constants import NUM_ATTRIBUTES, NUM_REGIONS


def _block(c_in: int, c_out: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False),
        nn.GroupNorm(8, c_out),
        nn.SiLU(),
        nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False),
        nn.GroupNorm(8, c_out),
        nn.SiLU(),
    )


class AttributeClassifier(ModelMixin, ConfigMixin):
    """Image [B, 3, H, W] in [-1, 1] -> attribute logits [B, 12].

    Args:
        widths: channels of the four stride-2 stages.
        embed_dim: size of the embedding (`embed`) used for Frechet distance.
        grid: side of the pooled feature grid; attributes live in places, so the head sees
            a coarse grid instead of a global average.
        stem_width: channels of a full-resolution stem before the stages (0: none). Narrow
            eyes and big lips are a pixel or two at 128 px; a stride-2 first layer loses them.
    """

    @register_to_config
    def __init__(
        self,
        widths: tuple[int, ...] = (32, 64, 96, 128),
        embed_dim: int = 256,
        grid: int = 4,
        num_attributes: int = NUM_ATTRIBUTES,
        stem_width: int = 0,
    ) -> None:
        super().__init__()
        layers, c = [], 3
        if stem_width:
            layers.append(_block(c, stem_width, 1))
            c = stem_width
        for w in widths:
            layers.append(_block(c, w, 2))
            c = w
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(grid)
        self.embedding = nn.Sequential(
            nn.Flatten(), nn.Linear(c * grid * grid, embed_dim), nn.SiLU()
        )
        self.head = nn.Linear(embed_dim, num_attributes)

    def embed(self, image: torch.Tensor) -> torch.Tensor:
        """[B, 3, H, W] -> [B, embed_dim]."""
        return self.embedding(self.pool(self.features(image)))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(image))


class Segmenter(ModelMixin, ConfigMixin):
    """Image [B, 3, H, W] in [-1, 1] -> region logits [B, 13, H, W] (a small U-Net).

    The body runs from 1/2 resolution down to 1/16; only a thin stem and a 1x1 head work at
    full resolution, which keeps boundaries sharp at a fraction of a full-resolution U-Net's cost.

    Args:
        stem_width: channels of the full-resolution stem.
        widths: channels at 1/2, 1/4, 1/8 and 1/16 of the input size.
    """

    @register_to_config
    def __init__(
        self,
        stem_width: int = 16,
        widths: tuple[int, ...] = (32, 64, 96, 128),
        num_regions: int = NUM_REGIONS,
    ) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, stem_width, 3, 1, 1), nn.SiLU())
        self.down = nn.ModuleList()
        c = stem_width
        for w in widths:
            self.down.append(_block(c, w, 2))
            c = w
        self.up = nn.ModuleList()
        for w in reversed(widths[:-1]):
            self.up.append(_block(c + w, w, 1))
            c = w
        self.head = nn.Conv2d(c + stem_width, num_regions, 1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        stem = self.stem(image)
        skips, x = [], stem
        for block in self.down:
            x = block(x)
            skips.append(x)
        for block, skip in zip(self.up, reversed(skips[:-1]), strict=True):
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            x = block(torch.cat([x, skip], 1))
        x = F.interpolate(x, size=stem.shape[-2:], mode="bilinear", align_corners=False)
        return self.head(torch.cat([x, stem], 1))
