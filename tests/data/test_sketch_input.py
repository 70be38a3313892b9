"""prepare_sketch: paper, stroke contrast, inversion, transparency and placement of drawings."""

import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from s2fgan.data import SyntheticPortraits
from s2fgan.data.sketch_input import (
    INK_CENTER,
    INK_HEIGHT,
    INK_LEVEL,
    ink_placement,
    normalize_sketch,
    place,
    prepare_sketch,
)


@pytest.fixture(scope="module")
def sketches():
    """Engine sketches at 128 px: outlines and thick markers, [N, 128, 128] in [0, 1]."""
    outline = SyntheticPortraits(128, sketch_style="outline").render([1, 2, 3]).sketch[:, 0]
    marker = SyntheticPortraits(128, sketch_style="marker").render([4, 5]).sketch[:, 0]
    return outline, marker


def _pil(x: torch.Tensor) -> Image.Image:
    return Image.fromarray((x.clamp(0, 1) * 255).round().to(torch.uint8).numpy())


def _ink(x: torch.Tensor) -> torch.Tensor:
    return x.squeeze() < INK_LEVEL


def _iou(a: torch.Tensor, b: torch.Tensor, slack: int = 1) -> float:
    """Ink overlap, each side's ink counted as hit within `slack` px of the other's."""
    a, b = _ink(a), _ink(b)
    grow = lambda m: F.max_pool2d(m.float()[None, None], 2 * slack + 1, 1, slack)[0, 0] > 0  # noqa: E731
    hit = ((a & grow(b)).sum() + (b & grow(a)).sum()).item()
    return hit / (a.sum() + b.sum()).item()


def _box(x: torch.Tensor) -> tuple[float, float, float]:
    """(centre x, centre y, height) of the ink as fractions of the side."""
    ys, xs = torch.nonzero(_ink(x), as_tuple=True)
    side = x.shape[-1]
    return (
        (xs.min() + xs.max() + 1).item() / 2 / side,
        (ys.min() + ys.max() + 1).item() / 2 / side,
        (ys.max() - ys.min() + 1).item() / side,
    )


def test_clean_sketch_passes_through_unframed(sketches):
    outline, _ = sketches
    out = prepare_sketch(_pil(outline[0]), 128, frame=False)
    assert out.shape == (1, 1, 128, 128) and out.dtype == torch.float32
    assert out.min() >= 0 and out.max() <= 1
    assert _iou(out, outline[0]) > 0.9


def test_grey_paper_and_pencil_strokes_become_black_on_white(sketches):
    outline, _ = sketches
    # Pencil-grey strokes (0.45) on grey paper (0.7) lit unevenly, with JPEG noise.
    ramp = torch.linspace(0.8, 1.0, 128).view(1, 128)
    page = (0.45 + (0.7 - 0.45) * outline[1]) * ramp
    buffer = io.BytesIO()
    _pil(page).save(buffer, format="JPEG", quality=40)
    out = prepare_sketch(Image.open(buffer), 128, frame=False)
    paper = outline[1] > 0.95
    assert out.squeeze()[paper].mean() > 0.97  # the paper is white again
    assert out.squeeze()[outline[1] < 0.3].mean() < 0.35  # the strokes are dark
    assert _iou(out, outline[1]) > 0.85


def test_drawing_in_a_corner_is_framed_like_the_engines(sketches):
    outline, _ = sketches
    small = F.interpolate(outline[2][None, None], size=(60, 60), mode="bilinear", antialias=True)
    page = torch.ones(300, 240)
    page[10:70, 170:230] = small[0, 0]  # top right corner of a portrait-format page
    out = prepare_sketch(page, 128)
    cx, cy, height = _box(out)
    assert abs(cx - INK_CENTER[0]) < 0.03 and abs(cy - INK_CENTER[1]) < 0.03
    assert abs(height - INK_HEIGHT) < 0.05  # the module trims 0.5% of the ink per side
    # Unframed, the same page stays a speck in the corner.
    assert _box(prepare_sketch(page, 128, frame=False))[2] < 0.25


def test_a_mask_drawn_on_the_page_follows_the_sketchs_framing(sketches):
    outline, _ = sketches
    page = torch.ones(200, 160)
    page[30:158, 20:148] = outline[0]
    placement = ink_placement(normalize_sketch(page), 128)
    framed = place(normalize_sketch(page), 128, placement).clamp(0, 1)
    assert torch.equal(framed, prepare_sketch(page, 128)[0, 0])
    # a square marked on the same page lands where the framing puts that part of the drawing
    mask = torch.ones(200, 160)
    mask[60:80, 50:70] = 0
    moved = place(mask, 128, placement) < 0.5
    ys, xs = torch.nonzero(moved, as_tuple=True)
    x, y = placement.point(59.5, 69.5, 160, 200)
    assert abs(xs.float().mean().item() - x) < 0.5 and abs(ys.float().mean().item() - y) < 0.5


def test_thick_marker_drawing_is_kept(sketches):
    _, marker = sketches
    out = prepare_sketch(_pil(marker[0]), 128, frame=False)
    assert _iou(out, marker[0]) > 0.9
    framed = prepare_sketch(_pil(marker[1]), 96)
    assert framed.shape == (1, 1, 96, 96)
    assert abs(_box(framed)[2] - INK_HEIGHT) < 0.05


def test_inverted_drawing_is_turned_around(sketches):
    outline, _ = sketches
    white_on_black = _pil(1 - outline[0]).convert("RGB")
    out = prepare_sketch(white_on_black, 128, frame=False)
    assert out.mean() > 0.85  # white paper
    assert _iou(out, outline[0]) > 0.9


def test_transparent_canvas_is_white_paper(sketches):
    outline, _ = sketches
    alpha = ((1 - outline[0]) * 255).round().to(torch.uint8).numpy()
    rgba = np.zeros((128, 128, 4), dtype=np.uint8)  # black strokes, transparent elsewhere
    rgba[..., 3] = alpha
    out = prepare_sketch(Image.fromarray(rgba, mode="RGBA"), 128, frame=False)
    assert _iou(out, outline[0]) > 0.9
    assert out.squeeze()[outline[0] > 0.95].min() > 0.95


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (torch.zeros(64, 64), "sketch is mostly ink \\(100% of the page is dark\\)"),
        (torch.ones(64, 64), "sketch is empty \\(no strokes\\)"),
        (torch.full((64, 64), 0.75), "sketch is empty \\(no strokes\\)"),
        (torch.cat([torch.zeros(64, 40), torch.ones(64, 24)], 1), "sketch is mostly ink"),
    ],
)
def test_blank_or_filled_pages_are_refused(page, message):
    with pytest.raises(ValueError, match=message):
        prepare_sketch(page, 64)


def test_noisy_blank_paper_has_no_strokes():
    g = torch.Generator().manual_seed(0)
    page = (0.8 + 0.03 * torch.randn(64, 64, generator=g)).clamp(0, 1)
    with pytest.raises(ValueError, match="sketch is empty \\(no strokes\\)"):
        prepare_sketch(page, 64)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="size must be"):
        prepare_sketch(torch.ones(8, 8), 4)
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        prepare_sketch(torch.full((8, 8), 2.0), 64)
    with pytest.raises(TypeError):
        prepare_sketch(42, 64)
