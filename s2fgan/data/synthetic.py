"""SyntheticPortraits: the procedural portrait engine every network of s2fgan learns from.

No face data set can be downloaded where s2fgan is built, so the engine paints its own:
each portrait is a stack of anti-aliased signed-distance shapes (background, hair, neck,
cloth, ears, face, nose, mouth, eyes, brows, hat, eyeglasses, earrings) in a head frame that
is shifted, scaled and rotated, shaded from a height field under a random light, with
value-noise textures (hair strands, skin, fabric, background). Alongside the photo-like
image it returns the 13-region mask (SemanticStyleGAN's classes), a hand-drawn-looking
sketch (contours and interior strokes with varying width, wobble and gaps) and the 12
S2FGAN attributes. Each attribute changes the portrait only inside the regions listed in
`ATTRIBUTE_REGIONS`, so flipping one attribute of a seed gives a clean counterfactual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch.utils.data import Dataset

from s2fgan.constants import ATTRIBUTES
from s2fgan.data.batch import PortraitBatch
from s2fgan.data.painter import render as _render
from s2fgan.data.portrait_factors import draw

# Regions whose pixels an attribute may change (in either of the two renders of a flip).
ATTRIBUTE_REGIONS: dict[str, tuple[str, ...]] = {
    "Smiling": ("mouth", "skin"),
    "Male": ("skin", "brows", "hair", "neck", "background", "eyeglasses"),
    "No_Beard": ("skin",),
    "Eyeglasses": ("eyeglasses",),
    "Young": ("hair", "skin", "brows", "eyeglasses"),
    "Bangs": ("hair",),
    "Narrow_Eyes": ("eyes", "skin", "eyeglasses"),
    "Pale_Skin": ("skin", "nose", "ears", "neck", "eyeglasses"),
    "Big_Lips": ("mouth", "skin"),
    "Big_Nose": ("nose", "skin", "eyeglasses"),
    "Mustache": ("skin",),
    "Chubby": ("skin", "ears", "earring", "hair", "neck", "background", "eyeglasses"),
}
assert set(ATTRIBUTE_REGIONS) == set(ATTRIBUTES)

SKETCH_STYLES = ("drawn", "xdog", "mixed")


class SyntheticPortraits(Dataset):
    """Procedural portraits with masks, sketches and attributes, deterministic by seed.

    Args:
        resolution: output size in pixels, 64 to 512.
        sketch_style: "drawn" (hand-drawn-looking strokes from the scene's shapes), "xdog"
            (`photo_to_sketch` of the rendered portrait, as for uploaded photos) or "mixed"
            (xdog for about 30% of the portraits, decided by the seed).
        length: number of items when used as a `torch.utils.data.Dataset`.
        seed_offset: item i of the dataset is the portrait of seed `seed_offset + i`.
        compile: render through `torch.compile` (about 2.5x faster on CPU after a one-off
            compilation of about a minute; worth it for training, not for a few images).
            Batches are rendered in fixed chunks of `chunk_size` so it compiles once.
        chunk_size: portraits per compiled call.

    Example:
        >>> engine = SyntheticPortraits(resolution=128)
        >>> batch = engine.render(seeds=range(16), attributes={"Smiling": 1})
        >>> batch.image.shape, batch.mask.shape, batch.sketch.shape
        (torch.Size([16, 3, 128, 128]), torch.Size([16, 128, 128]), torch.Size([16, 1, 128, 128]))
    """

    def __init__(
        self,
        resolution: int = 128,
        sketch_style: str = "drawn",
        length: int = 100_000,
        seed_offset: int = 0,
        compile: bool = False,
        chunk_size: int = 32,
    ) -> None:
        if not isinstance(resolution, int) or not 64 <= resolution <= 512:
            raise ValueError(f"resolution must be an integer from 64 to 512, got {resolution!r}")
        if sketch_style not in SKETCH_STYLES:
            raise ValueError(f"sketch_style must be one of {SKETCH_STYLES}, got {sketch_style!r}")
        if length < 1 or seed_offset < 0:
            raise ValueError("length must be positive and seed_offset non-negative")
        self.resolution = resolution
        self.sketch_style = sketch_style
        self.length = length
        self.seed_offset = seed_offset
        self.chunk_size = chunk_size
        self._render = torch.compile(_render, dynamic=False) if compile else None

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        if not 0 <= index < self.length:
            raise IndexError(f"index {index} out of range for {self.length} portraits")
        batch = self.render([self.seed_offset + index])
        return {
            "image": batch.image[0],
            "mask": batch.mask[0],
            "sketch": batch.sketch[0],
            "attributes": batch.attributes[0],
            "seed": batch.seeds[0],
        }

    @torch.no_grad()
    def render(
        self,
        seeds: Sequence[int] | torch.Tensor,
        attributes: Mapping[str, float] | torch.Tensor | None = None,
    ) -> PortraitBatch:
        """Render one portrait per seed.

        Args:
            seeds: N non-negative integers; the same seed always gives the same portrait.
            attributes: None (all drawn from the seed), a mapping {name: +1/-1} applied to
                every portrait, or a tensor [12] / [N, 12] with -1/+1 to force and 0 to draw.
                Forcing an attribute changes nothing else about the portrait.

        Returns:
            PortraitBatch with image [N,3,H,W] in [-1,1], mask [N,H,W], sketch [N,1,H,W] in
            [0,1], attributes [N,12] in {-1,+1}, factors {name: [N]} and seeds [N].
        """
        draws = draw(seeds, attributes)
        if self._render is None:
            image, mask, sketch = _render(draws, self.resolution)
        else:
            image, mask, sketch = self._render_compiled(draws.seeds, draws.attributes)
        if self.sketch_style != "drawn":
            from s2fgan.data.photo_to_sketch import photo_to_sketch

            xdog = photo_to_sketch(image)
            if self.sketch_style == "xdog":
                sketch = xdog
            else:
                use = (draws.factors["sketch_kind"] < 0.3).view(-1, 1, 1, 1)
                sketch = torch.where(use, xdog, sketch)
        return PortraitBatch(
            image=image,
            mask=mask,
            sketch=sketch,
            attributes=draws.attributes,
            factors=draws.factors,
            seeds=draws.seeds,
        )

    def _render_compiled(self, seeds: torch.Tensor, attributes: torch.Tensor):
        n, k = seeds.numel(), self.chunk_size
        pad = (-n) % k
        seeds = torch.cat([seeds, seeds[-1:].expand(pad)])
        attributes = torch.cat([attributes, attributes[-1:].expand(pad, -1)])
        parts = [
            self._render(draw(seeds[i : i + k], attributes[i : i + k]), self.resolution)
            for i in range(0, n + pad, k)
        ]
        return tuple(torch.cat(p)[:n] for p in zip(*parts, strict=True))
