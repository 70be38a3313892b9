"""SyntheticPortraits: the procedural portrait engine every network of s2fgan learns from.

No face data set can be downloaded where s2fgan is built, so the engine paints its own:
each portrait is a stack of anti-aliased signed-distance shapes (background, hair, neck,
cloth, ears, face, nose, mouth, eyes, brows, hat, eyeglasses, earrings) in a head frame that
is shifted, scaled and rotated, shaded from a height field under a random light, with
value-noise textures (hair strands, skin, fabric, background). Alongside the photo-like
image it returns the 13-region mask (SemanticStyleGAN's classes), a sketch in one of several
drawing styles (`s2fgan.data.sketch_styles`; by default hand-drawn-looking contours and
interior strokes with varying width, wobble and gaps) and the 12 S2FGAN attributes. The
painter itself (one function per part over a shared frame) is `s2fgan.data.painter`.
Each attribute changes the portrait only inside the regions listed in
`ATTRIBUTE_REGIONS`, so flipping one attribute of a seed gives a clean counterfactual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch.utils.data import Dataset

from s2fgan.data.batch import PortraitBatch
from s2fgan.data.heldout_sketch import heldout_sketch
from s2fgan.data.painter import drawn_sketch, paint, photo
from s2fgan.data.portrait_factors import PortraitDraws, draw
from s2fgan.data.sketch_styles import (
    HELDOUT_STYLE,
    SKETCH_STYLES,
    apply_framing,
    naive_sketch,
    parse_framing,
    parse_sketch_style,
    pick_styles,
)

# Style names whose batches carry no "sketch_style" factor, as before styles could be mixed.
_PLAIN_STYLES = ("drawn", "xdog", "mixed")


class SyntheticPortraits(Dataset):
    """Procedural portraits with masks, sketches and attributes, deterministic by seed.

    Args:
        resolution: output size in pixels, 64 to 512.
        sketch_style: how the sketch is drawn (see `s2fgan.data.sketch_styles`): a style name
            ("drawn", "xdog", "outline", "mouse", "marker", "sparse", or "heldout", the style
            kept for evaluation), a named mix ("mixed": xdog for about 30% of the portraits,
            drawn for the rest; "all": every training style alike), or {style: weight}. In a
            mix each seed's own draw picks its style.
        framing: False (the default framing), True (head scaled 0.7x to 1.6x and moved on the
            page, per seed) or a (low, high) scale range. The head is painted at its new
            place, so image, mask and sketch move together.
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
        sketch_style: str | Mapping[str, float] = "drawn",
        framing: bool | tuple[float, float] = False,
        length: int = 100_000,
        seed_offset: int = 0,
        compile: bool = False,
        chunk_size: int = 32,
    ) -> None:
        if not isinstance(resolution, int) or not 64 <= resolution <= 512:
            raise ValueError(f"resolution must be an integer from 64 to 512, got {resolution!r}")
        self._mix = parse_sketch_style(sketch_style)
        self._framing = parse_framing(framing)
        if length < 1 or seed_offset < 0:
            raise ValueError("length must be positive and seed_offset non-negative")
        self.resolution = resolution
        self.sketch_style = sketch_style
        self.framing = framing
        self.length = length
        self.seed_offset = seed_offset
        self.chunk_size = chunk_size
        self._compiled = torch.compile(_render, dynamic=False) if compile else None

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
        if self._framing is not None:
            draws = apply_framing(draws, self._framing)
        pick = pick_styles(self._mix, draws.factors["sketch_kind"])
        styles = [(i, name) for i, (name, _) in enumerate(self._mix) if (pick == i).any()]
        if len(styles) == 1:
            image, mask, sketch = self._render_style(draws, styles[0][1])
        else:
            # A mix paints every portrait once and draws each present style over the whole
            # batch, keeping each portrait's own: drawing is cheap next to painting, and
            # painting each style's group on its own costs one paint per style.
            painted = tuple(name for _, name in styles if name != "xdog")
            if len(painted) == 1:  # e.g. "mixed": one (compiled) paint serves drawn and xdog
                image, mask, only = self._render_style(draws, painted[0])
                drawings = {painted[0]: only}
            else:
                image, mask, drawings = _render_styles(draws, self.resolution, painted)
            sketch = torch.empty(pick.numel(), 1, self.resolution, self.resolution)
            for i, name in styles:
                index = (pick == i).nonzero().flatten()
                if name == "xdog":
                    from s2fgan.data.photo_to_sketch import photo_to_sketch

                    sketch[index] = photo_to_sketch(image[index])
                else:
                    sketch[index] = drawings[name][index]
        factors = dict(draws.factors)
        if not (isinstance(self.sketch_style, str) and self.sketch_style in _PLAIN_STYLES):
            names = torch.tensor([SKETCH_STYLES.index(name) for name, _ in self._mix])
            factors["sketch_style"] = names[pick]  # index into SKETCH_STYLES
        return PortraitBatch(
            image=image,
            mask=mask,
            sketch=sketch,
            attributes=draws.attributes,
            factors=factors,
            seeds=draws.seeds,
        )

    def _render_style(self, draws: PortraitDraws, style: str):
        # XDoG replaces the drawn sketch below: one compiled graph serves both.
        painted = "drawn" if style == "xdog" else style
        if self._compiled is None:
            image, mask, sketch = _render(draws, self.resolution, painted)
        else:
            image, mask, sketch = self._render_compiled(draws, painted)
        if style == "xdog":
            from s2fgan.data.photo_to_sketch import photo_to_sketch

            sketch = photo_to_sketch(image)
        return image, mask, sketch

    def _render_compiled(self, draws: PortraitDraws, style: str):
        n, k = draws.seeds.numel(), self.chunk_size
        pad = (-n) % k
        index = torch.cat([torch.arange(n), torch.full((pad,), n - 1)])
        parts = [
            self._compiled(_subset(draws, index[i : i + k]), self.resolution, style)
            for i in range(0, n + pad, k)
        ]
        return tuple(torch.cat(p)[:n] for p in zip(*parts, strict=True))


def _subset(draws: PortraitDraws, index: torch.Tensor) -> PortraitDraws:
    """The draws of the portraits at `index` [M] (rendering is independent of the batch)."""
    return PortraitDraws(
        factors={k: v[index] for k, v in draws.factors.items()},
        attributes=draws.attributes[index],
        noise={k: v[index] for k, v in draws.noise.items()},
        seeds=draws.seeds[index],
        style={k: v[index] for k, v in draws.style.items()},
    )


def _render(
    draws: PortraitDraws, size: int, style: str
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Image [N, 3, H, W], mask [N, H, W] and the sketch [N, 1, H, W] of one style; for "xdog"
    the drawn sketch, which the caller replaces (XDoG needs the finished image)."""
    image, mask, drawings = _render_styles(draws, size, ("drawn" if style == "xdog" else style,))
    return image, mask, next(iter(drawings.values()))


def _render_styles(
    draws: PortraitDraws, size: int, styles: tuple[str, ...]
) -> tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]:
    """Image [N, 3, H, W], mask [N, H, W] and, per style of `styles` (not "xdog"), the sketch
    [N, 1, H, W] of every portrait in that style."""
    frame = paint(draws, size)
    image, mask = photo(frame), frame.canvas.label
    drawings = {}
    for style in styles:
        if style == HELDOUT_STYLE:
            drawings[style] = heldout_sketch(mask, draws.style)
        elif style == "drawn":
            drawings[style] = drawn_sketch(frame)
        else:
            drawings[style] = naive_sketch(frame, draws, style)
    return image, mask, drawings
