"""Pictures of portrait batches: region masks to PIL images and a labelled preview grid.

Each cell of the grid shows one portrait as image | colourised mask | sketch, with the seed and
the short names of its +1 attributes underneath, so that a glance at the grid tells whether the
data engine's masks, sketches and labels agree with its pictures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from s2fgan.constants import ATTRIBUTES, NUM_REGIONS, REGION_COLORS
from s2fgan.data.batch import PortraitBatch
from s2fgan.data.image_io import image_to_uint8, sketch_to_uint8

# Label text for an attribute at +1 (CelebA names are long for a 64 px wide panel).
ATTRIBUTE_SHORT_NAMES: dict[str, str] = {
    "Smiling": "smile",
    "Male": "male",
    "No_Beard": "no-beard",
    "Eyeglasses": "glasses",
    "Young": "young",
    "Bangs": "bangs",
    "Narrow_Eyes": "narrow-eyes",
    "Pale_Skin": "pale",
    "Big_Lips": "big-lips",
    "Big_Nose": "big-nose",
    "Mustache": "mustache",
    "Chubby": "chubby",
}
assert set(ATTRIBUTE_SHORT_NAMES) == set(ATTRIBUTES)

GRID_BACKGROUND = (232, 232, 232)  # light grey, so that the white sketch paper shows its edge
TEXT_COLOR = (25, 25, 25)

_PALETTE = np.asarray(REGION_COLORS, dtype=np.uint8)  # [R, 3]
assert _PALETTE.shape == (NUM_REGIONS, 3)


def colorize_mask(mask: torch.Tensor | np.ndarray) -> np.ndarray:
    """Paint region ids with `s2fgan.constants.REGION_COLORS`.

    Args:
        mask: [N, H, W] (or one [H, W]) integer region ids in [0, 13).

    Returns:
        uint8 array [N, H, W, 3] (or [H, W, 3]).
    """
    ids = mask.detach().cpu().numpy() if isinstance(mask, torch.Tensor) else np.asarray(mask)
    if ids.ndim not in (2, 3):
        raise ValueError(f"mask must be [N, H, W] or [H, W], got shape {tuple(ids.shape)}")
    if not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"mask must hold integer region ids, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= NUM_REGIONS):
        raise ValueError(
            f"mask ids must lie in [0, {NUM_REGIONS}), got {int(ids.min())}..{int(ids.max())}"
        )
    return _PALETTE[ids]


def mask_to_pil(mask: torch.Tensor, color: bool = False) -> Image.Image:
    """One mask [H, W] of region ids -> "L" image holding the ids, or RGB colours if `color`."""
    if mask.ndim != 2:
        raise ValueError(f"mask_to_pil takes one mask [H, W], got {tuple(mask.shape)}")
    rgb = colorize_mask(mask)  # also validates the ids
    if color:
        return Image.fromarray(rgb)
    return Image.fromarray(mask.detach().cpu().numpy().astype(np.uint8))


def attribute_labels(attributes: torch.Tensor) -> list[str]:
    """Short names of the attributes at +1 in one row [12], in `ATTRIBUTES` order."""
    if attributes.shape != (len(ATTRIBUTES),):
        raise ValueError(f"attributes must be [{len(ATTRIBUTES)}], got {tuple(attributes.shape)}")
    return [
        ATTRIBUTE_SHORT_NAMES[name] for name, v in zip(ATTRIBUTES, attributes, strict=True) if v > 0
    ]


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, ImportError, OSError):  # Pillow without FreeType: fixed bitmap font
        return ImageFont.load_default()


@dataclass(frozen=True)
class GridLayout:
    """Where everything goes in a preview grid (pixels, origin top-left).

    A cell is three panels (image, mask, sketch) of `panel_width` x `panel_height` separated by
    `gap`, above a seed line and `attribute_lines` lines, enough for all 12 attribute names;
    cells are separated and framed by `pad`.
    """

    n: int
    columns: int
    panel_height: int
    panel_width: int
    pad: int
    gap: int
    font_size: int
    line_height: int
    attribute_lines: int

    @property
    def rows(self) -> int:
        return math.ceil(self.n / self.columns)

    @property
    def cell_width(self) -> int:
        return 3 * self.panel_width + 2 * self.gap

    @property
    def cell_height(self) -> int:
        return self.panel_height + self.gap + (1 + self.attribute_lines) * self.line_height

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the whole grid."""
        return (
            self.pad + self.columns * (self.cell_width + self.pad),
            self.pad + self.rows * (self.cell_height + self.pad),
        )

    def cell_origin(self, index: int) -> tuple[int, int]:
        row, column = divmod(index, self.columns)
        return (
            self.pad + column * (self.cell_width + self.pad),
            self.pad + row * (self.cell_height + self.pad),
        )

    def panel_origin(self, index: int, panel: int) -> tuple[int, int]:
        """Top-left of panel 0 (image), 1 (mask) or 2 (sketch) of cell `index`."""
        x, y = self.cell_origin(index)
        return x + panel * (self.panel_width + self.gap), y

    def label_origin(self, index: int) -> tuple[int, int]:
        x, y = self.cell_origin(index)
        return x, y + self.panel_height + self.gap


def grid_layout(n: int, columns: int, panel_height: int, panel_width: int) -> GridLayout:
    """Layout of a grid of `n` portraits of `panel_height` x `panel_width` pixels.

    Args:
        n: number of portraits, at least 1.
        columns: cells per row, at least 1; more columns than portraits are not used.
    """
    if n < 1:
        raise ValueError(f"a preview grid needs at least one portrait, got n={n}")
    if columns < 1:
        raise ValueError(f"columns must be at least 1, got {columns}")
    font_size = max(10, round(panel_height * 0.1))
    font = _font(font_size)
    bbox = font.getbbox("Ag|")
    cell_width = 3 * panel_width + 2 * max(2, panel_height // 32)
    every_name = list(ATTRIBUTE_SHORT_NAMES.values())
    return GridLayout(
        n=n,
        columns=min(columns, n),
        panel_height=panel_height,
        panel_width=panel_width,
        pad=max(6, panel_height // 12),
        gap=(cell_width - 3 * panel_width) // 2,
        font_size=font_size,
        line_height=int(bbox[3]) + max(2, font_size // 4),
        # Room for every name at once, so that no label is ever cut and the size is fixed.
        attribute_lines=len(_wrap(every_name, font, cell_width, len(every_name))),
    )


def _wrap(words: list[str], font, width: int, lines: int) -> list[str]:
    """Greedy word wrap to at most `lines` lines of `width` pixels; "..." marks cut words."""
    out: list[str] = []
    for word in words:
        if out and font.getlength(f"{out[-1]} {word}") <= width:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = f"{out[-1]} ..."
    return out


def preview_grid(batch: PortraitBatch, columns: int = 4) -> Image.Image:
    """A labelled grid of the portraits of `batch`: image | mask | sketch, seed, attributes.

    Args:
        batch: N portraits (image [N,3,H,W], mask [N,H,W], sketch [N,1,H,W], attributes [N,12]).
        columns: cells per row.

    Returns:
        RGB image of size `grid_layout(N, columns, H, W).size`.
    """
    n, _, height, width = batch.image.shape
    layout = grid_layout(n, columns, height, width)
    images = image_to_uint8(batch.image)  # [N, H, W, 3]
    masks = colorize_mask(batch.mask)  # [N, H, W, 3]
    sketches = sketch_to_uint8(batch.sketch)  # [N, H, W]
    seeds = batch.seeds.tolist() if batch.seeds is not None else list(range(n))
    font = _font(layout.font_size)

    grid = Image.new("RGB", layout.size, GRID_BACKGROUND)
    draw = ImageDraw.Draw(grid)
    for i in range(n):
        panels = (images[i], masks[i], np.repeat(sketches[i][..., None], 3, axis=-1))
        for p, pixels in enumerate(panels):
            grid.paste(Image.fromarray(pixels), layout.panel_origin(i, p))
        x, y = layout.label_origin(i)
        names = attribute_labels(batch.attributes[i]) or ["(no attribute)"]
        lines = [f"seed {seeds[i]}", *_wrap(names, font, layout.cell_width, layout.attribute_lines)]
        for k, line in enumerate(lines):
            draw.text((x, y + k * layout.line_height), line, fill=TEXT_COLOR, font=font)
    return grid
