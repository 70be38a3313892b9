"""Equalized-learning-rate linear layer (Karras et al., ProGAN / StyleGAN2)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class EqualLinear(nn.Module):
    """Linear layer whose weights are stored at unit variance and scaled at run time.

    Args:
        in_dim, out_dim: feature sizes.
        bias_init: initial bias value (1 for style affines, so modulation starts at identity).
        lr_mul: learning-rate multiplier (0.01 in mapping networks).
        activation: apply leaky ReLU (gain sqrt 2) after the layer.
    """

    def __init__(
        self,
        in_dim: int,
        out_dim: int,
        bias_init: float = 0.0,
        lr_mul: float = 1.0,
        activation: bool = False,
    ) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_dim, in_dim) / lr_mul)
        self.bias = nn.Parameter(torch.full((out_dim,), float(bias_init)))
        self.scale = lr_mul / math.sqrt(in_dim)
        self.lr_mul = lr_mul
        self.activation = activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.linear(x, self.weight * self.scale, self.bias * self.lr_mul)
        return F.leaky_relu(out, 0.2) * math.sqrt(2) if self.activation else out
