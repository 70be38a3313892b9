"""Sketches as they arrive, normalised to what the networks were trained on.

A sketch from a canvas, a scanner or a phone photo of paper differs from the data engine's
sketches in ways that say nothing about the face: the paper is grey or unevenly lit, strokes
are pencil grey, JPEG adds noise, a drawing may be white on black, or small in one corner of
the page. `prepare_sketch` removes these: it composites transparency on white, turns an
inverted drawing around, divides out the paper's brightness, stretches the strokes to black,
cleans the paper to white, and (with `frame=True`) scales and moves the drawing's ink into the
place the engine's sketches occupy. A page larger than the working size (`work_side`) is scaled
down first, so that preparing a 4096 px phone photo of paper costs about what a canvas does:
the time is linear in the input's pixels (decoding and one resize) and bounded after that.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

import torch
import torch.nn.functional as F

from s2fgan.data.image_io import MIN_SIDE, ImageSource, check_image_size, sketch_to_tensor

logger = logging.getLogger(__name__)

# Where the engine draws a head, as fractions of the image side: the median ink bounding box
# of 200 default-framed "outline" sketches at 128 px (seeds 3000-3199; ink = darker than 0.7)
# is 0.52 wide and 0.66 tall, centred at x 0.49, y 0.535 (10th-90th percentiles: height
# 0.55-0.81, centre y 0.47-0.61). The "drawn" style, with shoulders, spans 0.88 x 0.79. A
# drawing is scaled so its ink is as tall as the head, unless it would then be wider than
# MAX_INK_WIDTH, and centred on the head's centre.
INK_HEIGHT = 0.66
INK_CENTER = (0.5, 0.535)  # x, y
MAX_INK_WIDTH = 0.92

# A pixel is ink when the normalised sketch is darker than this.
INK_LEVEL = 0.7
MIN_INK_SHARE = 0.0005  # below: no drawing (a small drawing on a big page keeps ~0.2%)
MAX_INK_SHARE = 0.45  # above: a filled page, not a line drawing
# Paper brighter than this, after the strokes are stretched to black, becomes pure white.
PAPER_LEVEL = 0.85
# Strokes are at most this bright relative to their paper (pencil on grey paper is about
# 0.65); fainter marks are paper texture, noise or dirt.
STROKE_LEVEL = 0.78
# Ink that survives an erosion of this share of the side is a filled area, not a line (the
# thickest marker strokes of the engine are 3.5% of the side).
FILLED_WIDTH = 0.06
MAX_FILLED_SHARE = 0.08

# Pages are flattened and framed at most this many pixels a side (or 4x the output side when
# that is more): the output is far smaller, and the ink of a face drawn small on the page
# still spans over a hundred pixels.
WORK_SIDE = 512

NO_STROKES = "sketch is empty (no strokes): draw the face with dark lines on light paper"
MOSTLY_INK = (
    "sketch is mostly ink ({share:.0%} of the page is dark): draw the face with lines on light "
    "paper, not filled areas"
)


class EmptySketchError(ValueError):
    """A sketch without strokes (NO_STROKES, or a message that says where it came from), so
    that callers tell it from other refusals by its type, not its wording."""


def empty_sketches(sketch: torch.Tensor) -> torch.Tensor:
    """The one rule for "the sketch is empty": less than MIN_INK_SHARE of its pixels are ink
    (darker than INK_LEVEL).

    Args:
        sketch: [..., H, W] in [0, 1], white paper = 1 (one [H, W] sketch or a batch).

    Returns:
        [...] bool, True where a sketch is empty.
    """
    return (sketch < INK_LEVEL).float().mean((-2, -1)) < MIN_INK_SHARE


def work_side(size: int) -> int:
    """The longest side, in pixels, at which a page is prepared for a size x size sketch."""
    return max(WORK_SIDE, 4 * size)


def _grey(image: ImageSource | torch.Tensor, longest: int) -> torch.Tensor:
    """Any input -> [H, W] float in [0, 1], at most `longest` px a side; transparency counts
    as white paper. The input's own size is checked first (MIN_SIDE, MAX_SIDE)."""
    if isinstance(image, torch.Tensor):
        x = image.detach().float().cpu()
        while x.ndim > 2 and x.shape[0] == 1:
            x = x[0]
        if x.ndim != 2:
            raise ValueError(
                "a sketch tensor must be [H, W], [1, H, W] or [1, 1, H, W], "
                f"got {tuple(image.shape)}"
            )
        if x.numel() == 0 or x.min() < -1e-3 or x.max() > 1 + 1e-3:
            raise ValueError("a sketch tensor must hold values in [0, 1] (white paper = 1)")
        h, w = x.shape
        check_image_size(w, h, "sketch")
        if max(h, w) > longest:
            scale = longest / max(h, w)
            size = (max(1, round(h * scale)), max(1, round(w * scale)))
            x = F.interpolate(x.view(1, 1, h, w), size=size, mode="bilinear", antialias=True)[0, 0]
        return x.clamp(0, 1)
    # paths, PIL images and arrays; TypeError otherwise
    return sketch_to_tensor(image, "sketch", longest, min_side=MIN_SIDE)[0]


def _window(x: torch.Tensor, k: int, dim: int, op: str) -> torch.Tensor:
    """[H, W] -> [H, W]: the max, min or mean of the k pixels (k odd) centred on each pixel
    along `dim`, counting only pixels inside the image (as max_pool2d's and count_include_pad
    =False avg_pool2d's padding do), in a few whole-tensor steps whatever k is."""
    n, pad = x.shape[dim], k // 2
    shape = list(x.shape)
    shape[dim] = pad
    if op == "mean":  # window sums from running sums, in float64 so that they stay exact
        ones = torch.ones_like(x, dtype=torch.float64)
        edge = torch.zeros(shape, dtype=torch.float64)
        first = torch.zeros_like(ones.narrow(dim, 0, 1))
        totals = []
        for values in (x.double(), ones):
            run = torch.cat([first, edge, values, edge], dim).cumsum(dim)  # a zero in front
            totals.append(run.narrow(dim, k, n) - run.narrow(dim, 0, n))
        return (totals[0] / totals[1]).to(x.dtype)
    pick = torch.maximum if op == "max" else torch.minimum
    edge = torch.full(shape, -torch.inf if op == "max" else torch.inf, dtype=x.dtype)
    m, width = torch.cat([edge, x, edge], dim), 1
    while 2 * width <= k:  # m[i] = op of the `width` pixels from i on
        length = m.shape[dim] - width
        m, width = pick(m.narrow(dim, 0, length), m.narrow(dim, width, length)), 2 * width
    return pick(m.narrow(dim, 0, n), m.narrow(dim, k - width, n))


def _filter(x: torch.Tensor, k: int, op: str) -> torch.Tensor:
    """[H, W] filtered with a k x k window ("max", "min" or "mean" of the pixels inside the
    image): a column pass, then a row pass, which gives the square window's result."""
    return _window(_window(x, k, 0, op), k, 1, op)


def _paper(grey: torch.Tensor) -> torch.Tensor:
    """[H, W] brightness of the paper under the strokes: a closing (max then min filter) wide
    enough to bridge a marker stroke, then smoothed; it follows light falling off across a
    photographed page."""
    k = max(5, (min(grey.shape) // 12) | 1)
    closed = _filter(_filter(grey, k, "max"), k, "min")
    return _filter(closed, k, "mean").clamp_min(0.05)


def normalize_sketch(grey: torch.Tensor) -> torch.Tensor:
    """[H, W] grey sketch in [0, 1] -> [H, W] black strokes on white paper.

    Raises:
        EmptySketchError: NO_STROKES for a blank page (a ValueError).
        ValueError: MOSTLY_INK for a dark or filled one.
    """
    lo, mid, hi = torch.quantile(
        grey.flatten()[:: max(1, grey.numel() // 65536)], torch.tensor([0.0005, 0.5, 0.9995])
    )
    if hi - lo < 0.12:  # one tone (bar a few specks): blank paper or a black canvas
        if mid < 0.35:
            raise ValueError(MOSTLY_INK.format(share=1.0))
        raise EmptySketchError(NO_STROKES)
    if mid < 0.5:  # the page is dark: a drawing in white on black
        logger.info("sketch looks inverted (dark page, median %.2f): drawing it dark on white", mid)
        grey = 1 - grey
    flat = (grey / _paper(grey)).clamp(0, 1)
    darkish = flat[flat < PAPER_LEVEL]
    # The ink after stretching lies within these marks: with too few of them the page is empty
    # by `empty_sketches`' rule already (and has no black level to take).
    if darkish.numel() < MIN_INK_SHARE * flat.numel():
        raise EmptySketchError(NO_STROKES)
    # The darkest tenth of the stroke pixels becomes black; pencil grey turns to ink.
    black = torch.quantile(darkish[:: max(1, darkish.numel() // 65536)], 0.1)
    if black > STROKE_LEVEL:
        raise EmptySketchError(NO_STROKES)
    out = ((flat - black) / (PAPER_LEVEL - black).clamp_min(0.1)).clamp(0, 1)
    if empty_sketches(out):
        raise EmptySketchError(NO_STROKES)
    share = (out < INK_LEVEL).float().mean().item()
    if share > MAX_INK_SHARE or _filled_share(out) > MAX_FILLED_SHARE:
        raise ValueError(MOSTLY_INK.format(share=share))
    return out


def _filled_share(sketch: torch.Tensor) -> float:
    """Share of the page that is ink even after an erosion FILLED_WIDTH wide."""
    h, w = sketch.shape
    k = max(3, round(FILLED_WIDTH * min(h, w)) | 1)
    ink = (sketch < INK_LEVEL).float()
    return _filter(ink, k, "min").mean().item()


def _ink_box(sketch: torch.Tensor) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in pixels of the ink, ignoring the outer 0.5% of ink pixels
    on each side so that a speck of dirt far away does not count."""
    ys, xs = torch.nonzero(sketch < INK_LEVEL, as_tuple=True)
    q = torch.tensor([0.005, 0.995])
    left, right = torch.quantile(xs.float(), q).tolist()
    top, bottom = torch.quantile(ys.float(), q).tolist()
    return left, top, right + 1, bottom + 1


class Placement(NamedTuple):
    """How framing moves a page: resize it to new_w x new_h, then put its top-left corner at
    (ox, oy) on the output page."""

    new_w: int
    new_h: int
    ox: int
    oy: int

    def point(self, x: float, y: float, w: int, h: int) -> tuple[float, float]:
        """Where pixel centre (x, y) of a w x h input page lands on the output page."""
        return (x + 0.5) * self.new_w / w - 0.5 + self.ox, (
            y + 0.5
        ) * self.new_h / h - 0.5 + self.oy


def ink_placement(sketch: torch.Tensor, size: int) -> Placement:
    """The placement that scales and moves the ink of a normalised sketch [H, W] into the
    engine's head box on a size x size page."""
    left, top, right, bottom = _ink_box(sketch)
    width, height = max(right - left, 1.0), max(bottom - top, 1.0)
    scale = min(INK_HEIGHT * size / height, MAX_INK_WIDTH * size / width)  # output px per input px
    h, w = sketch.shape
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    # Integer offset of the resized page on the output so the ink box centre lands on target.
    cx, cy = (left + right) / 2 * new_w / w, (top + bottom) / 2 * new_h / h
    return Placement(
        new_w, new_h, round(INK_CENTER[0] * size - cx), round(INK_CENTER[1] * size - cy)
    )


def place(page: torch.Tensor, size: int, placement: Placement) -> torch.Tensor:
    """[H, W] (white = 1) moved by `placement` onto a white size x size page; a mask drawn on
    the same page as a sketch follows the sketch's framing this way."""
    h, w = page.shape
    new_w, new_h, ox, oy = placement
    resized = F.interpolate(
        page.view(1, 1, h, w), size=(new_h, new_w), mode="bilinear", antialias=True
    )[0, 0]
    out = torch.ones(size, size)
    x0, y0 = max(0, ox), max(0, oy)
    x1, y1 = min(size, ox + new_w), min(size, oy + new_h)
    if x1 > x0 and y1 > y0:
        out[y0:y1, x0:x1] = resized[y0 - oy : y1 - oy, x0 - ox : x1 - ox]
    return out


def _fit(sketch: torch.Tensor, size: int) -> torch.Tensor:
    """The whole page, padded to a square with white, resized to size x size."""
    h, w = sketch.shape
    side = max(h, w)
    top, left = (side - h) // 2, (side - w) // 2
    page = F.pad(sketch, (left, side - w - left, top, side - h - top), value=1.0)
    return F.interpolate(
        page.view(1, 1, side, side), size=(size, size), mode="bilinear", antialias=True
    )[0, 0]


def prepare_sketch(
    image: ImageSource | torch.Tensor, size: int, frame: bool = True, normalize: bool = True
) -> torch.Tensor:
    """Turn a drawing as it arrives into a sketch like the engine's.

    Args:
        image: a path, PIL image (any mode; transparency is white paper), array ([H, W],
            [H, W, 3] or [H, W, 4], uint8 or float in [0, 1]) or tensor ([H, W], [1, H, W] or
            [1, 1, H, W] in [0, 1], white paper = 1), at most MAX_SIDE px a side. A larger
            page than `work_side(size)` is scaled down to it first.
        size: output side in pixels.
        frame: move and scale the drawing's ink into the engine's head box (INK_HEIGHT,
            INK_CENTER); otherwise the whole page is padded square and resized.
        normalize: flatten the paper (light, grey, off-white, JPEG noise) to white, stretch
            the strokes to black and turn an inverted drawing around. Without it the grey
            levels are kept (and framing finds ink below INK_LEVEL as they are).

    Returns:
        [1, 1, size, size] float32 in [0, 1], white paper = 1.

    Raises:
        EmptySketchError: NO_STROKES ("sketch is empty (no strokes): ...") for a blank page.
        ValueError: MOSTLY_INK ("sketch is mostly ink (N% of the page is dark): ...") for a
            black or filled page;
            a picture under MIN_SIDE or over MAX_SIDE pixels a side (ImageSizeError); an
            unreadable file (`image_io.unreadable`); a bad size or tensor.
        TypeError: an input of another kind.
    """
    if not isinstance(size, int) or size < 8:
        raise ValueError(f"size must be an integer of at least 8 pixels, got {size!r}")
    grey = _grey(image, work_side(size))
    sketch = normalize_sketch(grey) if normalize else grey
    if not normalize:
        if empty_sketches(sketch):
            raise EmptySketchError(NO_STROKES)
        share = (sketch < INK_LEVEL).float().mean().item()
        if share > MAX_INK_SHARE:
            raise ValueError(MOSTLY_INK.format(share=share))
    out = place(sketch, size, ink_placement(sketch, size)) if frame else _fit(sketch, size)
    return out.clamp(0, 1).view(1, 1, size, size).contiguous()
