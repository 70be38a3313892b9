"""A residual block that halves the resolution (encoders and discriminators)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class ResidualDown(nn.Module):
    """x [B, C_in, H, W] -> [B, C_out, H/2, W/2].

    The main path is a strided 3x3 convolution then a 3x3 convolution (leaky ReLU after
    each); the skip path is 2x2 average pooling and a 1x1 convolution. Their sum is scaled
    by 1/sqrt(2) to keep the variance (StyleGAN2's residual discriminator).
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, 2, 1)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1)
        self.skip = nn.Conv2d(in_channels, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        main = F.leaky_relu(self.conv2(F.leaky_relu(self.conv1(x), 0.2)), 0.2)
        return (main + self.skip(F.avg_pool2d(x, 2))) / math.sqrt(2)
