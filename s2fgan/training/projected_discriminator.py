"""The projected discriminator of Projected GAN (Sauer et al. 2021, "Projected GANs Converge
Faster").

Real and generated images go through the same DiffAugment views, then through a frozen
pretrained feature network (EfficientNet-Lite0, `feature_network.py`) at four scales. Fixed
random 1x1 convolutions mix its channels (CCM) and carry each deeper map into the one above
it (CSM), so no single pretrained feature dominates and the coarse context reaches the fine
scales; a small trained discriminator per scale turns each mixed map into patch logits. Only
those small discriminators (and the optional attribute head) learn.

Where this differs from the reference code (autonomousvision/projected-gan): CSM keeps each
map at its own stride instead of upsampling every output twice, and the per-scale
discriminators are a constant `width` wide instead of up to 512. By a count of its
convolutions the reference's per-scale discriminators cost about 2 GFLOP per image at
224 px, three times the feature network; these cost 0.07 GFLOP at 128 px, beside the
feature network's 0.24 (benchmarks/projected_cost.py).

With `num_attributes` > 0 an attribute head (S2FGAN, after AttGAN) reads the pooled features
of every scale and predicts attribute logits: trained on real photos' labels, it tells the
generator whether an edited face shows what the slider asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from s2fgan.training.diffaugment import POLICIES, diff_augment
from s2fgan.training.feature_network import FeatureNetwork


class RandomProjection(nn.Module):
    """Fixed random cross-channel (CCM) and cross-scale (CSM) mixing:
    maps [B, C_i, h_i, w_i] -> [B, M_i, h_i, w_i], finest first.

    CCM: mixed_i = P_i(f_i), a random 1x1 convolution per scale. CSM, from the deepest map
    up: out_i = mixed_i + up(Q_i(out_{i+1})), with a random 1x1 Q_i and bilinear upsampling
    (a 1x1 convolution commutes with the upsampling, so it runs at the coarser size).
    The weights are buffers drawn from their own seeded generator: the same projection in
    every process and run, never trained (a discriminator's `requires_grad_(True)` and its
    optimiser do not reach them).

    Args:
        in_channels: C_i of the feature maps, finest first.
        out_channels: M_i of the mixed maps, finest first.
        seed: seed of the random weights.
    """

    def __init__(self, in_channels: Sequence[int], out_channels: Sequence[int], seed: int = 0):
        super().__init__()
        if len(in_channels) != len(out_channels):
            raise ValueError("in_channels and out_channels need one entry per scale")
        generator = torch.Generator().manual_seed(seed)

        def random_1x1(cin: int, cout: int) -> torch.Tensor:
            # variance 1 / fan-in keeps the mixed features of the same order as the inputs
            return torch.randn(cout, cin, 1, 1, generator=generator) / cin**0.5

        for i, (cin, cout) in enumerate(zip(in_channels, out_channels, strict=True)):
            self.register_buffer(f"ccm{i}", random_1x1(cin, cout))
        for i in range(len(in_channels) - 1):
            self.register_buffer(f"csm{i}", random_1x1(out_channels[i + 1], out_channels[i]))
        self.num_scales = len(in_channels)

    def forward(self, features: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        mixed = [F.conv2d(f, getattr(self, f"ccm{i}")) for i, f in enumerate(features)]
        out = [mixed[-1]]
        for i in reversed(range(self.num_scales - 1)):
            deeper = F.conv2d(out[0], getattr(self, f"csm{i}"))
            up = F.interpolate(deeper, size=mixed[i].shape[-2:], mode="bilinear")
            out.insert(0, mixed[i] + up)
        return out


class ScaleDiscriminator(nn.Module):
    """One scale's discriminator: mixed map [B, M, s, s] -> patch logits [B, P].

    Strided 4x4 convolutions (spectral norm, batch norm, LeakyReLU) halve the map down to
    `end_size` or below (a map no larger gets one 3x3 layer), then a 4x4 convolution without
    padding gives the logits, as in Projected GAN's multi-scale discriminator.

    Args:
        in_channels: M.
        size: s, the side of the map it reads.
        width: channels of its hidden layers.
        norm: "batch" (Projected GAN) or "none".
        end_size: side below which it stops halving.
    """

    def __init__(
        self, in_channels: int, size: int, width: int = 64, norm: str = "batch", end_size: int = 8
    ):
        super().__init__()
        if norm not in ("batch", "none"):
            raise ValueError(f'norm must be "batch" or "none", got {norm!r}')
        layers: list[nn.Module] = []

        def block(cin: int, kernel: int, stride: int) -> None:
            # a batch norm's shift makes a bias redundant
            conv = nn.Conv2d(cin, width, kernel, stride, 1, bias=norm == "none")
            layers.append(spectral_norm(conv))
            if norm == "batch":
                layers.append(nn.BatchNorm2d(width))
            layers.append(nn.LeakyReLU(0.2))

        channels = in_channels
        while size > end_size:
            block(channels, 4, 2)
            channels, size = width, size // 2
        if not layers:
            # a map already small gets one 3x3 layer, so that no scale is a linear read-out
            # of fixed features
            block(channels, 3, 1)
            channels = width
        self.trunk = nn.Sequential(*layers)
        self.out_channels = channels
        # a map smaller than the 4x4 kernel gets a 1x1 one: one logit per position
        kernel = 4 if size >= 4 else 1
        self.logits = spectral_norm(nn.Conv2d(channels, 1, kernel, 1, 0, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.logits(self.trunk(x)).flatten(1)


class ProjectedDiscriminator(nn.Module):
    """image [B, 3, H, W] in [-1, 1] -> realism logits [B, P] (patch logits of every scale,
    concatenated; a loss averages them).

    Args:
        feature_network: the frozen feature network (shared with the perceptual loss).
        image_size: H = W of the images it judges (fixes the sizes of the maps).
        mix_channels: channels of the mixed map at each scale, finest first (Projected GAN:
            64, 128, 256, 512 before its CSM halves them).
        width: hidden channels of each scale's discriminator.
        norm: normalisation inside the scale discriminators, "batch" or "none".
        policy: DiffAugment policy applied to every image before the features; () for none.
        num_attributes: size of the attribute head (0: none).
        projection_seed: seed of the fixed random projections.
    """

    def __init__(
        self,
        feature_network: FeatureNetwork,
        image_size: int = 128,
        mix_channels: Sequence[int] = (64, 64, 128, 128),
        width: int = 64,
        norm: str = "batch",
        policy: Sequence[str] = POLICIES,
        num_attributes: int = 0,
        projection_seed: int = 0,
    ) -> None:
        super().__init__()
        scales = len(feature_network.channels)
        if len(mix_channels) != scales:
            raise ValueError(
                f"mix_channels has {len(mix_channels)} entries; the feature network has "
                f"{scales} scales"
            )
        self.feature_network = feature_network
        self.policy = tuple(policy)
        self.projection = RandomProjection(feature_network.channels, mix_channels, projection_seed)
        side = feature_network.resolution or image_size
        sizes = [-(-side // s) for s in feature_network.strides]  # SAME padding rounds up
        self.scales = nn.ModuleList(
            ScaleDiscriminator(m, size, width, norm)
            for m, size in zip(mix_channels, sizes, strict=True)
        )
        self.image_size = image_size
        self.attribute_head = None
        if num_attributes:
            pooled = sum(feature_network.channels) + sum(d.out_channels for d in self.scales)
            self.attribute_head = nn.Sequential(
                nn.Linear(pooled, 256), nn.LeakyReLU(0.2), nn.Linear(256, num_attributes)
            )

    def _check(self, image: torch.Tensor) -> None:
        if image.ndim != 4 or image.shape[1] != 3 or image.shape[-1] != self.image_size:
            raise ValueError(
                f"ProjectedDiscriminator takes images [B, 3, {self.image_size}, "
                f"{self.image_size}], got {tuple(image.shape)}"
            )

    def _augment(self, image: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
        self._check(image)
        if not self.policy:
            return image
        if generator is None:
            raise ValueError(f"augmentation {self.policy} needs a torch.Generator")
        return diff_augment(image, generator, self.policy)

    def forward(
        self, image: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Realism logits [B, P] of the augmented image (`generator` draws the views)."""
        return self.classify(image, generator)[0]

    def classify(
        self, image: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(realism logits [B, P], attribute logits [B, num_attributes] or None), both from
        one pass over the augmented image."""
        features = self.feature_network(self._augment(image, generator))
        hidden = self._hidden(features)
        realism = torch.cat(
            [d.logits(h).flatten(1) for d, h in zip(self.scales, hidden, strict=True)], 1
        )
        if self.attribute_head is None:
            return realism, None
        return realism, self._attributes(features, hidden)

    def attributes(self, image: torch.Tensor) -> torch.Tensor:
        """Attribute logits [B, num_attributes] of the image as it is (no augmentation:
        colour jitter would hide attributes such as Pale_Skin)."""
        if self.attribute_head is None:
            raise ValueError("this discriminator has no attribute head (num_attributes=0)")
        self._check(image)
        features = self.feature_network(image)
        return self._attributes(features, self._hidden(features))

    def features(self, image: torch.Tensor) -> list[torch.Tensor]:
        """The scale discriminators' last hidden maps of the image as it is, finest first
        (feature matching: `losses.feature_match(D.features, image, target)`; without
        augmentation, so that image and target are seen alike)."""
        self._check(image)
        return self._hidden(self.feature_network(image))

    def _hidden(self, features: list[torch.Tensor]) -> list[torch.Tensor]:
        mixed = self.projection(features)
        return [d.trunk(x) for d, x in zip(self.scales, mixed, strict=True)]

    def _attributes(self, features: list[torch.Tensor], hidden: list[torch.Tensor]) -> torch.Tensor:
        pooled = torch.cat([x.mean((2, 3)) for x in (*features, *hidden)], 1)
        return self.attribute_head(pooled)
