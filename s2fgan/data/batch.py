"""The one record every data source returns: a batch of portraits with their ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


@dataclass
class PortraitBatch:
    """A batch of portraits and everything known about them.

    Attributes:
        image: [N, 3, H, W] float in [-1, 1].
        mask: [N, H, W] int64 region ids, see `s2fgan.constants.REGIONS`.
        sketch: [N, 1, H, W] float in [0, 1], white paper = 1, dark strokes.
        attributes: [N, 12] float in {-1, +1}, order of `s2fgan.constants.ATTRIBUTES`.
        factors: nuisance draws, each a tensor with leading dimension N (empty for real data).
        seeds: [N] int64 seed of each synthetic portrait, or the index for real data.
    """

    image: torch.Tensor
    mask: torch.Tensor
    sketch: torch.Tensor
    attributes: torch.Tensor
    factors: dict[str, torch.Tensor] = field(default_factory=dict)
    seeds: torch.Tensor | None = None

    def __len__(self) -> int:
        return self.image.shape[0]

    def to(self, device: torch.device | str) -> PortraitBatch:
        return PortraitBatch(
            image=self.image.to(device),
            mask=self.mask.to(device),
            sketch=self.sketch.to(device),
            attributes=self.attributes.to(device),
            factors={k: v.to(device) for k, v in self.factors.items()},
            seeds=None if self.seeds is None else self.seeds.to(device),
        )

    def __getitem__(self, index: int | slice | torch.Tensor) -> PortraitBatch:
        if isinstance(index, int):
            index = slice(index, index + 1)
        return PortraitBatch(
            image=self.image[index],
            mask=self.mask[index],
            sketch=self.sketch[index],
            attributes=self.attributes[index],
            factors={k: v[index] for k, v in self.factors.items()},
            seeds=None if self.seeds is None else self.seeds[index],
        )
