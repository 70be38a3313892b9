"""RegionGenerator: SemanticStyleGAN's compositional generator, sized for a CPU.

One local generator, shared by all regions and told which region it draws by a learned
region embedding (as in SSSGAN), runs for every region in one batched pass over Fourier
features of a coarse grid: w_base modulates its first layer, the region's w_shape its shape
layers and pseudo-depth head, the region's w_texture its texture layers and feature head.
Softmax over the regions' depths gives the masks; the mask-weighted sum of the features is
rendered to the image and to segmentation logits by a small convolutional render network.
Since a region's texture never reaches its depth, swapping textures leaves the masks alone.

Two additions make the layout cheap to learn on a CPU budget (both on by default, both off
in weights trained before them):

- `spatial_depth`: each region's pseudo-depth also gets a linear read-out of its w_shape onto
  the grid (one map shared by the regions), so a code can place a small part such as an eye
  directly instead of through the modulated MLP alone;
- `render_masks`: every render block also sees the soft masks at its own scale (as SofGAN's
  renderer sees the segmentation), so parts are drawn where the masks put them.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from diffusers.utils import BaseOutput
from torch import nn

from s2fgan.constants import NUM_REGIONS
from s2fgan.layers.fourier import FourierFeatures
from s2fgan.layers.modulated import ModulatedPointwise
from s2fgan.models.latent_layout import LatentLayout


@dataclass
class RegionGeneratorOutput(BaseOutput):
    """
    Attributes:
        image: [B, 3, H, W], roughly in [-1, 1].
        segmentation: [B, R, H, W] region logits.
        masks: [B, R, g, g] softmax of the pseudo-depths on the coarse grid.
    """

    image: torch.Tensor
    segmentation: torch.Tensor
    masks: torch.Tensor


def _conv_block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, 1, 1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(c_out, c_out, 3, 1, 1),
        nn.LeakyReLU(0.2),
    )


class RegionGenerator(ModelMixin, ConfigMixin):
    """ws [B, num_ws, w_dim] -> image, segmentation logits and coarse masks.

    Args:
        num_regions: R, semantic regions (13).
        w_dim: size of each code slot.
        grid_size: side g of the local generators' grid.
        fourier_features: channels of the Fourier input.
        local_width: channels of the local generator.
        shape_layers, texture_layers: modulated layers of each kind.
        feature_dim: channels of each region's feature map.
        render_widths: render network channels at g, 2g, 4g, ...; the output resolution is
            g * 2 ** (len(render_widths) - 1).
        spatial_depth: add a linear map w_shape -> [g, g] to each region's depth.
        render_masks: feed the soft masks to every render block.
    """

    @register_to_config
    def __init__(
        self,
        num_regions: int = NUM_REGIONS,
        w_dim: int = 128,
        grid_size: int = 32,
        fourier_features: int = 64,
        local_width: int = 48,
        shape_layers: int = 2,
        texture_layers: int = 2,
        feature_dim: int = 32,
        render_widths: tuple[int, ...] = (64, 32, 16),
        spatial_depth: bool = True,
        render_masks: bool = True,
    ) -> None:
        super().__init__()
        self.layout = LatentLayout(num_regions, w_dim)
        self.fourier = FourierFeatures(grid_size, fourier_features)
        self.input = nn.Conv1d(fourier_features, local_width, 1)
        self.region_embedding = nn.Parameter(torch.randn(num_regions, local_width, 1) * 0.5)
        self.base = ModulatedPointwise(local_width, local_width, w_dim)
        self.shape = nn.ModuleList(
            ModulatedPointwise(local_width, local_width, w_dim) for _ in range(shape_layers)
        )
        self.depth = ModulatedPointwise(local_width, 1, w_dim, demodulate=False, linear=True)
        self.texture = nn.ModuleList(
            ModulatedPointwise(local_width, local_width, w_dim) for _ in range(texture_layers)
        )
        self.feature = ModulatedPointwise(
            local_width, feature_dim, w_dim, demodulate=False, linear=True
        )
        self.depth_map = nn.Linear(w_dim, grid_size * grid_size) if spatial_depth else None
        widths = list(render_widths)
        extra = num_regions if render_masks else 0
        self.render_in = nn.Sequential(
            nn.Conv2d(feature_dim + extra, widths[0], 3, 1, 1), nn.LeakyReLU(0.2)
        )
        self.render = nn.ModuleList(
            _conv_block(a + extra, b) for a, b in zip(widths, widths[1:], strict=False)
        )
        self.to_rgb = nn.Conv2d(widths[-1], 3, 1)
        self.to_segmentation = nn.Conv2d(widths[-1], num_regions, 1)
        self.resolution = grid_size * 2 ** (len(widths) - 1)

    @property
    def num_ws(self) -> int:
        return self.layout.num_ws

    def local(self, ws: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Run the shared local generator for every region.

        Returns:
            depths [B, R, g, g] and features [B, R, C, g, g].
        """
        b, r, g = ws.shape[0], self.config.num_regions, self.config.grid_size
        w_base = ws[:, 0].repeat_interleave(r, 0)  # [B*R, w_dim]
        w_shape = ws[:, 1 : 1 + r].reshape(b * r, -1)
        w_texture = ws[:, 1 + r :].reshape(b * r, -1)
        x = self.input(self.fourier().unsqueeze(0))  # [1, L, P]
        x = (x + self.region_embedding).repeat(b, 1, 1)  # [B*R, L, P]
        x = self.base(x, w_base)
        for layer in self.shape:
            x = layer(x, w_shape)
        depth = self.depth(x, w_shape)  # [B*R, 1, P]
        if self.depth_map is not None:
            depth = depth + self.depth_map(w_shape).unsqueeze(1)
        for layer in self.texture:
            x = layer(x, w_texture)
        feature = self.feature(x, w_texture)  # [B*R, C, P]
        return depth.view(b, r, g, g), feature.view(b, r, -1, g, g)

    def forward(self, ws: torch.Tensor) -> RegionGeneratorOutput:
        if ws.dim() != 3 or ws.shape[1:] != (self.num_ws, self.config.w_dim):
            raise ValueError(
                f"ws must be [B, {self.num_ws}, {self.config.w_dim}], got {list(ws.shape)}"
            )
        depths, features = self.local(ws)
        masks = torch.softmax(depths, dim=1)  # [B, R, g, g]
        x = (masks.unsqueeze(2) * features).sum(1)  # [B, C, g, g]
        x = self.render_in(self._with_masks(x, masks))
        for block in self.render:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = block(self._with_masks(x, masks))
        size = x.shape[-1]
        # The coarse masks carry the layout; the render network only refines their borders.
        coarse = F.interpolate(
            torch.log_softmax(depths, dim=1), size=size, mode="bilinear", align_corners=False
        )
        return RegionGeneratorOutput(
            image=self.to_rgb(x),
            segmentation=coarse + self.to_segmentation(x),
            masks=masks,
        )

    def _with_masks(self, x: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
        if not self.config.render_masks:
            return x
        if masks.shape[-1] != x.shape[-1]:
            masks = F.interpolate(masks, size=x.shape[-2:], mode="bilinear", align_corners=False)
        return torch.cat([x, masks], 1)

    def flops_per_image(self) -> float:
        """Approximate multiply-adds of one forward pass, times two (FLOP)."""
        c = self.config
        p = c.grid_size**2
        local = (
            c.num_regions
            * p
            * (
                c.local_width * c.local_width * (1 + c.shape_layers + c.texture_layers)
                + c.local_width * (1 + c.feature_dim)
            )
        )
        if c.spatial_depth:
            local += c.num_regions * c.w_dim * p
        extra = c.num_regions if c.render_masks else 0
        widths = list(c.render_widths)
        render = p * 9 * (c.feature_dim + extra) * widths[0]
        side = c.grid_size
        for a, b in zip(widths, widths[1:], strict=False):
            side *= 2
            render += side * side * 9 * ((a + extra) * b + b * b)
        render += side * side * widths[-1] * (3 + c.num_regions)
        return 2.0 * (local + render)
