"""prepare_sketch: paper, stroke contrast, inversion, transparency and placement of drawings."""

import io
import struct
import zlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFile

from s2fgan.data import SyntheticPortraits, sketch_input
from s2fgan.data.image_io import ImageSizeError
from s2fgan.data.sketch_input import (
    INK_CENTER,
    INK_HEIGHT,
    INK_LEVEL,
    MIN_INK_SHARE,
    WORK_SIDE,
    EmptySketchError,
    _filter,
    empty_sketches,
    ink_placement,
    normalize_sketch,
    place,
    prepare_sketch,
    work_side,
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


@pytest.mark.parametrize(("h", "w", "k"), [(37, 50, 5), (120, 96, 31), (2, 40, 5), (64, 7, 9)])
def test_the_fast_filters_give_the_square_windows_results(h, w, k):
    x = torch.rand(h, w, generator=torch.Generator().manual_seed(h))
    square = x.view(1, 1, h, w)
    assert torch.equal(_filter(x, k, "max"), F.max_pool2d(square, k, 1, k // 2)[0, 0])
    assert torch.equal(_filter(x, k, "min"), -F.max_pool2d(-square, k, 1, k // 2)[0, 0])
    mean = F.avg_pool2d(square, k, 1, k // 2, count_include_pad=False)[0, 0]
    torch.testing.assert_close(_filter(x, k, "mean"), mean, rtol=0, atol=1e-6)


def _page(side: int, ink_side: float = 0.004) -> Image.Image:
    """A face drawn with lines `ink_side` of the side wide on grey paper lit unevenly."""
    ramp = np.linspace(0.95, 0.75, side)
    page = Image.fromarray((np.outer(ramp, np.ones(side)) * 220).astype(np.uint8), "L")
    draw = ImageDraw.Draw(page)
    s, w = side, max(1, round(ink_side * side))
    draw.ellipse((0.3 * s, 0.2 * s, 0.7 * s, 0.75 * s), outline=40, width=w)
    draw.line((0.4 * s, 0.42 * s, 0.46 * s, 0.42 * s), fill=40, width=w)
    draw.line((0.54 * s, 0.42 * s, 0.6 * s, 0.42 * s), fill=40, width=w)
    draw.arc((0.42 * s, 0.55 * s, 0.58 * s, 0.65 * s), 20, 160, fill=40, width=w)
    return page


@pytest.mark.parametrize("kind", ["png", "jpeg", "tensor"])
def test_a_large_page_is_flattened_and_framed_at_the_working_size(kind, tmp_path, monkeypatch):
    # The filters cost grows with the pixels times the window (a twelfth of the side): a
    # 4000 px phone photo of paper ran for over 17 minutes. Pages are scaled down first, so
    # everything after decoding works on at most work_side(size) pixels a side.
    seen = []
    flatten = sketch_input._paper
    monkeypatch.setattr(sketch_input, "_paper", lambda g: seen.append(g.shape) or flatten(g))
    page = _page(4096)
    if kind == "tensor":
        source = torch.from_numpy(np.asarray(page, dtype=np.float32) / 255)
    else:
        source = tmp_path / f"page.{kind}"
        page.save(source)
    out = prepare_sketch(source, 128)
    assert seen == [(work_side(128), work_side(128))]
    # and it is the same drawing as the page drawn small
    assert _iou(out, prepare_sketch(_page(512), 128)) > 0.8


def test_the_working_size_follows_the_output_size():
    assert work_side(64) == work_side(128) == WORK_SIDE
    assert work_side(256) == 1024


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_huge_file_is_refused_from_its_header_and_a_damaged_one_is_named(tmp_path, monkeypatch):
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))
    huge = tmp_path / "huge.png"
    _png_header(huge, 13000, 13000)
    with pytest.raises(ImageSizeError, match="the sketch is 13000x13000 pixels; give at most 4096"):
        prepare_sketch(huge, 128)
    assert decoded == []
    monkeypatch.undo()
    with pytest.raises(ImageSizeError, match="give at most 4096 px a side"):
        prepare_sketch(torch.ones(16, 5000), 128)
    broken = tmp_path / "broken.png"
    buffer = io.BytesIO()
    _page(256).save(buffer, format="PNG")
    broken.write_bytes(buffer.getvalue()[:300])  # a truncated file
    with pytest.raises(ValueError, match=r"^cannot read the sketch \(broken\.png\): the file is"):
        prepare_sketch(broken, 128)


def _png_header(path, width: int, height: int) -> None:
    """A PNG that declares width x height pixels and holds none."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


def _dots(count: int, side: int = 64) -> torch.Tensor:
    """A white page [side, side] with `count` black pixels."""
    page = torch.ones(side * side)
    page[:count] = 0
    return page.view(side, side)


def test_one_rule_says_when_a_sketch_is_empty():
    least = int(MIN_INK_SHARE * 64 * 64) + 1  # fewest ink pixels of a 64 px sketch
    batch = torch.stack([_dots(least - 1), _dots(least), torch.full((64, 64), 0.69)])
    assert empty_sketches(batch).tolist() == [True, False, False]  # 0.69 is ink (under 0.7)
    assert empty_sketches(_dots(least - 1)).item()
    with pytest.raises(EmptySketchError, match="sketch is empty"):
        prepare_sketch(_dots(least - 1), 64, frame=False, normalize=False)
    assert prepare_sketch(_dots(least), 64, frame=False, normalize=False).shape == (1, 1, 64, 64)
