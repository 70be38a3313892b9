"""The held-out sketch style: region borders traced from the mask, simplified into polygons
and drawn with pressure-tapered strokes.

Evaluation measures how a model trained on the engine's styles generalises to a way of drawing
it never saw. This procedure shares no code with the training styles (`sketch_styles`): it
reads only the finished mask (not the painter's shapes), simplifies each region's border by
piecewise-linear interpolation on a triangulated lattice (straight segments with sharp
corners, where the mouse style's bilinear lattice gives softer cuts), and draws strokes whose
width swells and tapers to nothing with the pen's pressure, as a fineliner or a stylus with
pressure does. A person could draw it: the outlines of face, hair, eyes, brows, lips, ears,
neck and clothes, and the lower half of the nose, without shading or interior strokes.

Training must never use it: `SyntheticPortraits` refuses it in a mix of styles, and
`sketch_styles.check_training_styles` lets a training entry point refuse it outright.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from s2fgan.constants import REGION_INDEX
from s2fgan.data.photo_to_sketch import gaussian_blur

# Regions whose borders are drawn; the nose only below its middle (see _nose_lower).
_DRAWN_REGIONS = (
    "skin",
    "eyes",
    "brows",
    "mouth",
    "ears",
    "hair",
    "neck",
    "cloth",
    "eyeglasses",
    "hat",
)
_CELL = 3.5  # lattice spacing at 128 px: a segment spans about 3-5 px
# Regions thinner than a lattice cell, widened by a pixel so the lattice does not miss them.
_THIN_REGIONS = ("eyes", "brows")
_WIDTH = 2.4  # fullest stroke width at 128 px


def _lattice_values(fields: torch.Tensor, cell: float, angle: torch.Tensor, offset: torch.Tensor):
    """Values of fields [N, C, H, W] at the points of a turned square lattice, and where each
    pixel falls in it: (values [N, C, K, K], cell index i, j [N, H, W], fractions u, v)."""
    n, c, h, w = fields.shape
    k = int(math.ceil(1.5 * max(h, w) / cell)) + 3
    steps = torch.arange(k, dtype=torch.float32) - (k - 1) / 2
    cos, sin = torch.cos(angle).view(n, 1, 1), torch.sin(angle).view(n, 1, 1)
    ox, oy = offset[:, 0].view(n, 1, 1), offset[:, 1].view(n, 1, 1)
    gx = (steps.view(1, 1, k) + ox) * cell
    gy = (steps.view(1, k, 1) + oy) * cell
    x, y = cos * gx - sin * gy, sin * gx + cos * gy  # [N, K, K] pixels from the centre
    grid = torch.stack((x / (w / 2), y / (h / 2)), dim=-1)
    values = F.grid_sample(
        fields, grid, mode="bilinear", padding_mode="border", align_corners=False
    )
    px = (torch.arange(w, dtype=torch.float32) + 0.5 - w / 2).view(1, 1, w)
    py = (torch.arange(h, dtype=torch.float32) + 0.5 - h / 2).view(1, h, 1)
    a = ((cos * px + sin * py) / cell - ox + (k - 1) / 2).clamp(0, k - 1.001)
    b = ((-sin * px + cos * py) / cell - oy + (k - 1) / 2).clamp(0, k - 1.001)
    i, j = b.floor(), a.floor()
    return values, i.long(), j.long(), a - j, b - i


def _triangulated(values: torch.Tensor, i, j, u, v) -> torch.Tensor:
    """Piecewise-linear interpolation over the lattice split into triangles -> [N, C, H, W]."""
    n, c, k, _ = values.shape
    flat = values.flatten(2)  # [N, C, K*K]

    def at(di: int, dj: int) -> torch.Tensor:
        index = ((i + di) * k + (j + dj)).flatten(1)  # [N, H*W]
        return flat.gather(2, index.unsqueeze(1).expand(n, c, -1)).view(n, c, *i.shape[1:])

    v00, v01, v10, v11 = at(0, 0), at(0, 1), at(1, 0), at(1, 1)
    u, v = u.unsqueeze(1), v.unsqueeze(1)
    lower = v00 + u * (v01 - v00) + v * (v10 - v00)
    upper = v11 + (1 - u) * (v10 - v11) + (1 - v) * (v01 - v11)
    return torch.where(u + v <= 1, lower, upper)


def _nose_lower(mask: torch.Tensor) -> torch.Tensor:
    """[N, H, W] nose pixels below the middle of each portrait's nose."""
    nose = mask == REGION_INDEX["nose"]
    rows = torch.arange(mask.shape[1], dtype=torch.float32).view(1, -1, 1)
    count = nose.sum((1, 2)).clamp_min(1)
    middle = (nose * rows).sum((1, 2)) / count  # [N]
    return nose & (rows >= middle.view(-1, 1, 1))


def heldout_sketch(mask: torch.Tensor, style_draws: dict[str, torch.Tensor]) -> torch.Tensor:
    """Draw the held-out style from masks.

    Args:
        mask: [N, H, W] int64 region ids.
        style_draws: the portraits' style draws (`PortraitDraws.style`): "lattice" [N] turns
            and shifts the simplification lattice, "stroke_noise" [N, 4, 16, 16] gives the pen
            pressure, "pen_width" [N] its fullest width.

    Returns:
        [N, 1, H, W] in [0, 1], white paper = 1.
    """
    n, h, w = mask.shape
    unit = min(h, w) / 128
    regions = [mask == REGION_INDEX[r] for r in _DRAWN_REGIONS] + [_nose_lower(mask)]
    inside = torch.stack(regions, 1).float()  # [N, C, H, W]
    thin = [_DRAWN_REGIONS.index(r) for r in _THIN_REGIONS]
    inside[:, thin] = F.max_pool2d(inside[:, thin], 3, 1, 1)
    # Smoothed, the lattice samples say where inside a cell a border passes, so the polygon
    # follows the border instead of stepping along the lattice.
    inside = gaussian_blur(inside, 1.0 * unit)
    turn = style_draws["lattice"]
    angle = 0.3 + turn * 1.0  # never axis-aligned, where pixel stairs would show
    offset = torch.stack((torch.frac(turn * 13), torch.frac(turn * 29)), 1)
    cell = _CELL * unit
    values, i, j, u, v = _lattice_values(inside, cell, angle, offset)
    coverage = _triangulated(values, i, j, u, v)
    # Distance in pixels to the 0.5 level, to first order: exact inside each triangle, where
    # the interpolant is a plane; large where the field is flat, far from any border.
    padded = F.pad(coverage, (1, 1, 1, 1), mode="replicate")
    gx = (padded[..., 1:-1, 2:] - padded[..., 1:-1, :-2]) / 2
    gy = (padded[..., 2:, 1:-1] - padded[..., :-2, 1:-1]) / 2
    slope = torch.sqrt(gx * gx + gy * gy).clamp_min(1e-4)
    dist = ((coverage - 0.5).abs() / slope).amin(1)  # [N, H, W]
    # A 6x6 corner of the noise lattice: pressure changes every 20 px or so at 128 px.
    pressure_field = F.interpolate(
        style_draws["stroke_noise"][:, 2:3, :6, :6] * 2 - 1,
        size=(h, w),
        mode="bicubic",
        align_corners=True,
    )[:, 0]
    # Pressure swells and fades along each border; strokes taper to nothing where it lifts.
    pressure = ((pressure_field + 0.75) / 0.7).clamp(0, 1)
    pressure = pressure * pressure * (3 - 2 * pressure)
    width = _WIDTH * unit * (0.8 + 0.4 * style_draws["pen_width"]).view(n, 1, 1) * pressure
    ink = (0.5 + 0.5 * width - dist).clamp(0, 1) * (0.55 + 0.45 * pressure)
    return (1 - ink).unsqueeze(1)
