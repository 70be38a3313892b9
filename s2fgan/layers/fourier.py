"""Fourier features of a fixed coordinate grid (SemanticStyleGAN's local-generator input)."""

from __future__ import annotations

import math

import torch
from torch import nn


class FourierFeatures(nn.Module):
    """A [num_features, size * size] map of sin/cos of learned frequencies of (x, y).

    Args:
        size: side of the coordinate grid.
        num_features: output channels (half sin, half cos).
    """

    def __init__(self, size: int, num_features: int) -> None:
        super().__init__()
        if num_features % 2:
            raise ValueError(f"num_features must be even, got {num_features}")
        coords = (torch.arange(size, dtype=torch.float32) + 0.5) / size * 2 - 1
        grid = torch.stack(torch.meshgrid(coords, coords, indexing="xy")).reshape(2, -1)
        self.register_buffer("grid", grid, persistent=False)  # [2, P]
        self.frequencies = nn.Parameter(torch.randn(num_features // 2, 2) * 3.0)
        self.phases = nn.Parameter(torch.rand(num_features // 2, 1) * 2 * math.pi)

    def forward(self) -> torch.Tensor:
        # In float32 whatever the weights' dtype: the grid is no saved weight, so loading in
        # fp16/bf16 leaves it float32, and sin of angles up to ~10 rad wants the precision.
        angle = self.frequencies.float() @ self.grid.float() + self.phases.float()  # [F/2, P]
        features = torch.cat([torch.sin(angle), torch.cos(angle)])  # [F, P]
        return features.to(self.frequencies.dtype)
