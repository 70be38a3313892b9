"""The two discriminators of training.

`DualBranchDiscriminator` (SemanticStyleGAN): one branch reads the image, one the
segmentation (soft masks for generated faces, one-hot for real ones); their features meet at
the end, so the realism of the image and its agreement with the layout are judged together.
Trained with the non-saturating loss and lazy R1 on both inputs.

`LatentDomainDiscriminator` (S2FGAN): tells sketch codes from photo codes; it sits behind
gradient reversal so the sketch encoder learns to make the two indistinguishable.
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


def _branch(in_channels: int, widths: tuple[int, ...]) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(in_channels, widths[0], 3, 1, 1), nn.LeakyReLU(0.2)]
    layers += [ResidualDown(a, b) for a, b in zip(widths, widths[1:], strict=False)]
    return nn.Sequential(*layers)


class DualBranchDiscriminator(ModelMixin, ConfigMixin):
    """(image [B, 3, H, W], segmentation [B, R, H, W]) -> realism logits [B].

    With `num_attributes` > 0 it also has an attribute head (S2FGAN, after AttGAN): trained on
    real photos' labels, it tells the generator whether an edited face shows the attribute
    the slider asked for (`classify`).

    Args:
        resolution: input side.
        widths: image-branch channels at full resolution, then after each halving; the
            segmentation branch uses half as many.
        num_regions: R.
        num_attributes: size of the attribute head (0: none).
    """

    @register_to_config
    def __init__(
        self,
        resolution: int = 128,
        widths: tuple[int, ...] = (16, 32, 64, 128, 128, 128),
        num_regions: int = NUM_REGIONS,
        num_attributes: int = 0,
    ) -> None:
        super().__init__()
        widths = tuple(widths)
        self.image_branch = _branch(3, widths)
        self.seg_branch = _branch(num_regions, tuple(max(4, w // 2) for w in widths))
        fused = widths[-1] + max(4, widths[-1] // 2)
        self.out = nn.Sequential(
            nn.Conv2d(fused, widths[-1], 3, 1, 1),
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            nn.Linear(widths[-1] * 16, widths[-1]),
            nn.LeakyReLU(0.2),
            nn.Linear(widths[-1], 1),
        )
        self.attribute_head = nn.Linear(widths[-1], num_attributes) if num_attributes else None

    def forward(self, image: torch.Tensor, segmentation: torch.Tensor) -> torch.Tensor:
        return self.classify(image, segmentation)[0]

    def image_features(self, image: torch.Tensor) -> list[torch.Tensor]:
        """The image branch's activations after each of its blocks (feature matching)."""
        features = []
        x = image
        for layer in self.image_branch:
            x = layer(x)
            if isinstance(layer, ResidualDown):
                features.append(x)
        return features

    def classify(
        self, image: torch.Tensor, segmentation: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(realism logits [B], attribute logits [B, num_attributes] or None)."""
        x = torch.cat([self.image_branch(image), self.seg_branch(segmentation)], dim=1)
        if x.shape[-1] != 4:
            x = F.adaptive_avg_pool2d(x, 4)
        features = self.out[:-1](x)
        realism = self.out[-1](features).squeeze(1)
        if self.attribute_head is None:
            return realism, None
        return realism, self.attribute_head(features)


class LatentDomainDiscriminator(ModelMixin, ConfigMixin):
    """ws [B, num_ws, w_dim] -> logits [B] (1 = from a sketch, 0 = from a photo).

    Args:
        num_regions, w_dim: the code layout.
        hidden: width of the MLP.
    """

    @register_to_config
    def __init__(self, num_regions: int = NUM_REGIONS, w_dim: int = 128, hidden: int = 256):
        super().__init__()
        num_ws = LatentLayout(num_regions, w_dim).num_ws
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(num_ws * w_dim, hidden),
            nn.LeakyReLU(0.2),
            nn.Linear(hidden, hidden),
            nn.LeakyReLU(0.2),
            nn.Linear(hidden, 1),
        )

    def forward(self, ws: torch.Tensor) -> torch.Tensor:
        return self.net(ws).squeeze(1)
