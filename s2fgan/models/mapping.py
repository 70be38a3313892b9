"""MappingNetwork: z -> ws for random faces and swap donors (StyleGAN's mapping, per slot).

Every slot of the code (w_base, and w_shape / w_texture of each region) gets its own z, so
random donors vary region by region independently, as in SemanticStyleGAN.
"""

from __future__ import annotations

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from s2fgan.constants import NUM_REGIONS
from s2fgan.layers.equal_linear import EqualLinear
from s2fgan.models.latent_layout import LatentLayout


class MappingNetwork(ModelMixin, ConfigMixin):
    """z [B, num_ws, z_dim] -> ws [B, num_ws, w_dim].

    Args:
        num_regions: regions of the layout (num_ws = 1 + 2 * num_regions).
        z_dim, w_dim: latent sizes.
        num_layers: depth of the shared MLP.
        lr_mul: learning-rate multiplier of the MLP (StyleGAN's 0.01).

    `w_avg` [num_ws, w_dim], the mean code that truncation pulls towards, is a moving
    average of the codes the network maps in training (`track_w_avg`), saved with the
    weights as StyleGAN keeps it.
    """

    @register_to_config
    def __init__(
        self,
        num_regions: int = NUM_REGIONS,
        z_dim: int = 128,
        w_dim: int = 128,
        num_layers: int = 4,
        lr_mul: float = 0.01,
    ) -> None:
        super().__init__()
        self.layout = LatentLayout(num_regions, w_dim)
        self.slot_embedding = nn.Parameter(torch.randn(self.layout.num_ws, z_dim))
        dims = [z_dim] + [w_dim] * num_layers
        self.mlp = nn.Sequential(
            *[
                EqualLinear(a, b, lr_mul=lr_mul, activation=True)
                for a, b in zip(dims, dims[1:], strict=False)
            ]
        )
        self.register_buffer("w_avg", torch.zeros(self.layout.num_ws, w_dim))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() != 3 or z.shape[1:] != (self.layout.num_ws, self.config.z_dim):
            raise ValueError(
                f"z must be [B, {self.layout.num_ws}, {self.config.z_dim}], got {list(z.shape)}"
            )
        z = z * torch.rsqrt(z.pow(2).mean(-1, keepdim=True) + 1e-8)
        return self.mlp(z + self.slot_embedding)

    def sample_z(self, batch_size: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Standard normal z [B, num_ws, z_dim] on this network's device."""
        shape = (batch_size, self.layout.num_ws, self.config.z_dim)
        return torch.randn(shape, generator=generator).to(self.device)

    @torch.no_grad()
    def track_w_avg(self, mean_ws: torch.Tensor, beta: float = 0.995) -> None:
        """Move `w_avg` towards a batch's mean code mean_ws [num_ws, w_dim]: w_avg becomes
        beta * w_avg + (1 - beta) * mean_ws (StyleGAN's w_avg_beta)."""
        if mean_ws.shape != self.w_avg.shape:
            raise ValueError(f"mean_ws must be {list(self.w_avg.shape)}, got {list(mean_ws.shape)}")
        self.w_avg.copy_(mean_ws.to(self.w_avg).lerp(self.w_avg, beta))

    def truncate(self, ws: torch.Tensor, psi: float) -> torch.Tensor:
        """Pull codes towards the tracked mean code: psi = 1 keeps them, 0 gives the mean."""
        return self.w_avg + psi * (ws - self.w_avg)
