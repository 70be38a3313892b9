"""The layout of the code `ws` that every network of s2fgan reads or writes.

`ws` is [B, num_ws, w_dim]: slot 0 is `w_base` (pose and global look), then one `w_shape`
slot per region, then one `w_texture` slot per region (SemanticStyleGAN's split), in the
region order of `s2fgan.constants.REGIONS`. Swapping a region copies its slots; an attribute
direction may be restricted to the slots of the regions it lives in. `copy_slots` is the one
operation that copies slots between codes: a swap, a style and training's texture transfer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from s2fgan.constants import NUM_REGIONS, REGION_INDEX, REGIONS

PARTS = ("shape", "texture")


@dataclass(frozen=True)
class LatentLayout:
    num_regions: int = NUM_REGIONS
    w_dim: int = 128

    @property
    def num_ws(self) -> int:
        return 1 + 2 * self.num_regions

    def shape_slot(self, region: int) -> int:
        return 1 + region

    def texture_slot(self, region: int) -> int:
        return 1 + self.num_regions + region

    def slots(self, regions: Sequence[str], parts: Sequence[str] = PARTS) -> list[int]:
        """Slot indices of the given region names and parts ("shape", "texture")."""
        unknown = [r for r in regions if r not in REGION_INDEX]
        if unknown:
            raise ValueError(f"unknown regions {unknown}; known: {', '.join(REGIONS)}")
        bad = [p for p in parts if p not in PARTS]
        if bad or not parts:
            raise ValueError(f"parts must be a non-empty subset of {PARTS}, got {list(parts)}")
        out = []
        for name in regions:
            k = REGION_INDEX[name]
            if "shape" in parts:
                out.append(self.shape_slot(k))
            if "texture" in parts:
                out.append(self.texture_slot(k))
        return sorted(out)

    def copy_slots(
        self,
        ws: torch.Tensor,
        donor: torch.Tensor,
        regions: Sequence[str] | None = None,
        parts: Sequence[str] = PARTS,
    ) -> torch.Tensor:
        """A copy of `ws` whose slots of `regions`' `parts` are those of `donor`.

        Differentiable in both codes (training transfers textures through it).

        Args:
            ws: [B, num_ws, w_dim] the codes to change (not modified).
            donor: [1 or B, num_ws, w_dim] the codes to take from; one code serves every code
                of ws. Cast to ws's dtype and device.
            regions: region names (`s2fgan.constants.REGIONS`); None: every region.
            parts: "shape", "texture" or both.
        """
        if regions is None:
            regions = REGIONS[: self.num_regions]
        slots = self.slots(list(regions), list(parts))
        if donor.shape[0] not in (1, ws.shape[0]):
            raise ValueError(f"donor has {donor.shape[0]} faces; give 1 or {ws.shape[0]}")
        out = ws.clone()
        out[:, slots] = donor[:, slots].to(out).expand(out.shape[0], -1, -1)
        return out
