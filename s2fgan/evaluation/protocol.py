"""What `s2fgan eval` needs from a face model, and ground-truth stand-ins that implement it.

A model is scored through five operations on an opaque, batched code. The stand-ins answer
from the data engine's ground truth, so the right value of every metric is known for them;
the tests use them to prove that each metric moves the right way and can fail.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

import torch

from s2fgan.constants import ATTRIBUTE_INDEX, ATTRIBUTES, REGION_INDEX, REGIONS
from s2fgan.data import SyntheticPortraits


@runtime_checkable
class FaceModel(Protocol):
    """The operations `s2fgan eval` calls. Codes are whatever the model likes, batched."""

    def encode_sketch(self, sketch: torch.Tensor) -> Any:
        """[B, 1, H, W] in [0, 1] (white paper = 1) -> code."""

    def encode_image(self, image: torch.Tensor) -> Any:
        """[B, 3, H, W] in [-1, 1] -> code."""

    def edit(self, code: Any, attributes: Mapping[str, float]) -> Any:
        """Set attribute strengths in [-4, 4] -> new code."""

    def swap(self, code: Any, donor: Any, regions: Sequence[str]) -> Any:
        """Take the given regions from the donor code -> new code."""

    def synthesize(self, code: Any) -> torch.Tensor:
        """code -> [B, 3, H, W] in [-1, 1]."""


@dataclass(frozen=True)
class OracleCode:
    seeds: torch.Tensor  # [B]
    attributes: torch.Tensor  # [B, 12]
    donor: OracleCode | None = None
    regions: tuple[str, ...] = ()


def _key(t: torch.Tensor) -> str:
    return hashlib.sha1(t.contiguous().numpy().tobytes()).hexdigest()


class OracleModel:
    """A stand-in that knows the engine's truth for a fixed set of seeds.

    Encoding looks the input up among the portraits of `seeds`; editing sets the attribute of
    the engine (a clean counterfactual); swapping pastes the donor's pixels inside the regions
    of either ground-truth mask; synthesis renders with the engine.

    Args:
        engine: the data engine the evaluation renders with.
        seeds: the portraits the oracle can recognise.
        edits: False makes `edit` a no-op (a model whose sliders do nothing).
        swaps: False makes `swap` a no-op (a model whose swaps change nothing).
        sketch_styles: other drawing styles whose sketches of the first `style_count` seeds
            the oracle recognises too (for the per-style figures).
        style_count: how many of `seeds` are indexed in each of `sketch_styles`.
    """

    def __init__(
        self,
        engine: SyntheticPortraits,
        seeds: Sequence[int],
        edits: bool = True,
        swaps: bool = True,
        sketch_styles: Sequence[str] = (),
        style_count: int = 0,
    ) -> None:
        self.engine, self.edits, self.swaps = engine, edits, swaps
        self._index: dict[str, tuple[int, torch.Tensor]] = {}
        seeds = list(seeds)
        for i in range(0, len(seeds), 64):
            batch = engine.render(seeds[i : i + 64])
            for k in range(len(batch)):
                entry = (int(batch.seeds[k]), batch.attributes[k])
                self._index[_key(batch.sketch[k])] = entry
                self._index[_key(batch.image[k])] = entry
        for style in sketch_styles:
            drawer = SyntheticPortraits(engine.resolution, sketch_style=style)
            for i in range(0, style_count, 64):
                batch = drawer.render(seeds[i : min(i + 64, style_count)])
                for k in range(len(batch)):
                    entry = (int(batch.seeds[k]), batch.attributes[k])
                    self._index[_key(batch.sketch[k])] = entry

    def _lookup(self, tensor: torch.Tensor) -> OracleCode:
        found = [self._index.get(_key(t)) for t in tensor]
        if any(f is None for f in found):
            raise KeyError("OracleModel only recognises the portraits of its own seeds")
        return OracleCode(
            seeds=torch.tensor([f[0] for f in found]), attributes=torch.stack([f[1] for f in found])
        )

    def encode_sketch(self, sketch: torch.Tensor) -> OracleCode:
        return self._lookup(sketch)

    def encode_image(self, image: torch.Tensor) -> OracleCode:
        return self._lookup(image)

    def edit(self, code: OracleCode, attributes: Mapping[str, float]) -> OracleCode:
        if not self.edits:
            return code
        values = code.attributes.clone()
        for name, strength in attributes.items():
            if name not in ATTRIBUTE_INDEX:
                raise ValueError(f"unknown attribute {name!r}; known: {', '.join(ATTRIBUTES)}")
            if strength != 0:
                values[:, ATTRIBUTE_INDEX[name]] = 1.0 if strength > 0 else -1.0
        return replace(code, attributes=values)

    def swap(self, code: OracleCode, donor: OracleCode, regions: Sequence[str]) -> OracleCode:
        unknown = [r for r in regions if r not in REGION_INDEX]
        if unknown:
            raise ValueError(f"unknown regions {unknown}; known: {', '.join(REGIONS)}")
        if not self.swaps:
            return code
        return replace(code, donor=donor, regions=tuple(regions))

    def synthesize(self, code: OracleCode) -> torch.Tensor:
        own = self.engine.render(code.seeds, code.attributes)
        if code.donor is None:
            return own.image
        donor = self.engine.render(code.donor.seeds, code.donor.attributes)
        ids = torch.tensor([REGION_INDEX[r] for r in code.regions])
        region = torch.isin(own.mask, ids) | torch.isin(donor.mask, ids)
        return torch.where(region.unsqueeze(1), donor.image, own.image)
