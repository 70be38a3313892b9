"""PLACEHOLDER engine with the final API; the real renderer replaces this file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from s2fgan.constants import ATTRIBUTE_INDEX, NUM_ATTRIBUTES
from s2fgan.data.batch import PortraitBatch


class SyntheticPortraits:
    def __init__(self, resolution: int = 128) -> None:
        self.resolution = resolution

    def render(
        self,
        seeds: Sequence[int] | torch.Tensor,
        attributes: Mapping[str, float] | torch.Tensor | None = None,
    ) -> PortraitBatch:
        seeds = torch.as_tensor(seeds, dtype=torch.int64)
        n, r = len(seeds), self.resolution
        g = torch.Generator().manual_seed(int(seeds[0]))
        attrs = torch.where(torch.rand(n, NUM_ATTRIBUTES, generator=g) > 0.5, 1.0, -1.0)
        if isinstance(attributes, Mapping):
            for k, v in attributes.items():
                attrs[:, ATTRIBUTE_INDEX[k]] = v
        return PortraitBatch(
            image=torch.rand(n, 3, r, r, generator=g) * 2 - 1,
            mask=torch.randint(0, 13, (n, r, r), generator=g),
            sketch=torch.rand(n, 1, r, r, generator=g),
            attributes=attrs,
            factors={"roll": torch.zeros(n)},
            seeds=seeds,
        )
