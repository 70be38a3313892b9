"""StyleBank: the colours a seed gives a sketch, as texture codes of encoded portraits.

A sketch fixes a face's layout but says nothing of its colours, so the sketch encoder writes
the colours a sketch most likely has: the mean (every sketch face gets the same brown hair,
skin and shirt). SofGAN and SemanticStyleGAN separate the two: geometry from the
segmentation or shape codes, style drawn at random. In our code `ws` a region's texture
never reaches its mask (RegionGenerator), so replacing the texture slots of a sketch's code
with those of another face recolours it without moving a single region border.

The bank holds whole codes of training portraits of the data engine (`s2fgan styles`):
their sketches through the sketch encoder give the shape slots and w_base, their photos
through the image encoder give the texture slots. A style keeps the colours of one whole
face together (the skin of the face, neck and ears agree), which independent random draws
per region would not; a whole code is a ready random face, e.g. a swap donor (the mapping
network's random faces are still far from the data at this training budget).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

from s2fgan.constants import NUM_REGIONS, REGIONS
from s2fgan.models.latent_layout import LatentLayout
from s2fgan.seeds import check_seeds


class StyleBank(ModelMixin, ConfigMixin):
    """`size` codes [num_ws, w_dim] of encoded portraits: styles (their texture slots) and
    random faces (the whole code).

    Args:
        num_regions, w_dim: the code layout (see LatentLayout).
        size: number of codes; seed s picks code s % size.
        regions: the regions whose texture a style replaces (the others keep the code's).
        source: where the styles came from (recorded in config.json).
    """

    @register_to_config
    def __init__(
        self,
        num_regions: int = NUM_REGIONS,
        w_dim: int = 128,
        size: int = 256,
        regions: Sequence[str] = REGIONS,
        source: str = "",
    ) -> None:
        super().__init__()
        if size < 1:
            raise ValueError(f"size must be >= 1, got {size}")
        self.layout = LatentLayout(num_regions, w_dim)
        self.layout.slots(list(regions), ("texture",))  # refuses unknown region names here
        self.register_buffer("codes", torch.zeros(size, self.layout.num_ws, w_dim))

    @torch.no_grad()
    def fill(self, ws: torch.Tensor) -> None:
        """Take the codes ws [size, num_ws, w_dim] (e.g. encoded portraits)."""
        expected = (self.config.size, self.layout.num_ws, self.config.w_dim)
        if tuple(ws.shape) != expected:
            raise ValueError(f"ws must be {list(expected)}, got {list(ws.shape)}")
        self.codes.copy_(ws)

    def faces(self, seeds: Sequence[int]) -> torch.Tensor:
        """Whole codes [len(seeds), num_ws, w_dim]: code seed % size for each seed."""
        return self.codes[self.indices(list(seeds)).to(self.codes.device)]

    def indices(self, seeds: Sequence[int]) -> torch.Tensor:
        """The style index of each seed (seeds must be integers >= 0)."""
        return torch.tensor([s % self.config.size for s in check_seeds(seeds)], dtype=torch.long)

    def apply(self, ws: torch.Tensor, styles: Sequence[int]) -> torch.Tensor:
        """Codes ws [B, num_ws, w_dim] with the texture slots of `regions` taken from style
        styles[b] (one style per code); shape slots and w_base are kept."""
        if ws.dim() != 3 or ws.shape[1:] != (self.layout.num_ws, self.config.w_dim):
            raise ValueError(
                f"ws must be [B, {self.layout.num_ws}, {self.config.w_dim}], got {list(ws.shape)}"
            )
        styles = check_seeds(styles, codes=ws.shape[0], what="style")
        return self.layout.copy_slots(ws, self.faces(styles), self.config.regions, ("texture",))
