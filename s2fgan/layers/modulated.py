"""Style-modulated layers (StyleGAN2's weight modulation and demodulation).

`ModulatedPointwise` is a modulated 1x1 convolution over flattened pixels [N, C, P], done as
one batched matrix product: the form SemanticStyleGAN's local generators take (per-pixel
MLPs over Fourier features), and much faster than grouped convolutions on a CPU.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from s2fgan.layers.equal_linear import EqualLinear


class ModulatedPointwise(nn.Module):
    """x [N, C_in, P], w [N, w_dim] -> [N, C_out, P], with leaky ReLU unless `linear`.

    Args:
        in_channels, out_channels: feature sizes.
        w_dim: size of the style code.
        demodulate: normalise each output channel's weights to unit norm per sample.
        linear: no activation (output heads such as depth or features).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        w_dim: int,
        demodulate: bool = True,
        linear: bool = False,
    ) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.affine = EqualLinear(w_dim, in_channels, bias_init=1.0)
        self.scale = 1 / math.sqrt(in_channels)
        self.demodulate = demodulate
        self.linear = linear

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        style = self.affine(w)  # [N, C_in]
        weight = self.weight.unsqueeze(0) * (self.scale * style.unsqueeze(1))  # [N, C_out, C_in]
        if self.demodulate:
            weight = weight * torch.rsqrt(weight.pow(2).sum(2, keepdim=True) + 1e-8)
        out = torch.bmm(weight, x) + self.bias.view(1, -1, 1)
        return out if self.linear else F.leaky_relu(out, 0.2) * math.sqrt(2)
