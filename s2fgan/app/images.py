"""Pictures in and out of the app: canvas and upload reading with clear errors, overlays.

Readers raise `ValueError` with a message for the user; the handlers turn it into
`gr.Error`, so every check here can be tested without a browser. Every picture is opened by
`image_io.open_image`: the one size cap (MAX_SIDE, from the header before decoding) and the one
message for a damaged file, whichever way it came in.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
from pathlib import Path

import numpy as np
from PIL import Image

from s2fgan.app.memory import give_back
from s2fgan.constants import REGION_COLORS
from s2fgan.data.image_io import (
    MAX_SIDE,
    check_image_size,
    open_image,
    rgb_within,
    unreadable,
)

# Larger uploads are refused (gradio's max_file_size, and here): a sketch or portrait needs
# far fewer bytes, and reading a huge file would hold the shared queue.
MAX_FILE_BYTES = 10 * 1024 * 1024
DISPLAY = 256  # results are shown (and downloaded) at this size
# Photos are turned into line drawings at most this many pixels a side: the portrait is
# drawn at the model's 128 px, and XDoG's cost grows with the pixels.
PHOTO_SIDE = 512
EMPTY_CANVAS = "The canvas is empty: draw a face with the brush first."
_DATA_URL = re.compile(r"data:image/[\w.+-]+;base64,", re.ASCII)


def _decoded(data_url: str) -> bytes:
    """The bytes of a base64 image data URL (the drawing pad's value), within MAX_FILE_BYTES.
    A large value is read without copies of its text (one ASCII encoding, then a view)."""
    head = _DATA_URL.match(data_url)
    if head is None:
        raise ValueError(unreadable("canvas"))
    length = len(data_url) - head.end()
    if length > (MAX_FILE_BYTES + 2) // 3 * 4:
        raise ValueError(
            f"The canvas is {length * 3 / 4 / 2**20:.1f} MB; "
            f"send at most {MAX_FILE_BYTES // 2**20} MB."
        )
    try:
        return base64.b64decode(memoryview(data_url.encode("ascii"))[head.end() :], validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise ValueError(unreadable("canvas")) from None


def read_canvas(value, longest: int | None = None) -> Image.Image:
    """The drawing of the canvas as RGB (scaled down to `longest` px a side when given): the
    drawing pad's PNG data URL (as the browser and API clients send it), or a PIL image or
    array (as Python callers may).

    Raises:
        ValueError: EMPTY_CANVAS for no drawing; the size cap's or `unreadable`'s message.
    """
    if value is None or (isinstance(value, str) and (not value or value.isspace())):
        raise ValueError(EMPTY_CANVAS)
    if isinstance(value, str):
        image = open_image(io.BytesIO(_decoded(value)), what="canvas")
    elif isinstance(value, np.ndarray):
        image = Image.fromarray(value)
    elif isinstance(value, Image.Image):
        image = value
    else:
        raise ValueError(
            f"The canvas must be a PNG data URL (data:image/png;base64,...), "
            f"got {type(value).__name__}."
        )
    check_image_size(*image.size, "canvas", min_side=None)
    pixels, small = image.width * image.height, rgb_within(image, longest)
    del image  # the full-size picture goes before its memory is given back
    give_back(pixels)
    return small


def read_upload(
    path: str | os.PathLike | None, what: str = "image", longest: int | None = None
) -> Image.Image:
    """An uploaded file as RGB (scaled down to `longest` px a side when given), refusing
    missing, oversized or undecodable files."""
    if path is None:
        raise ValueError(f"No {what} uploaded.")
    path = Path(path)
    size = path.stat().st_size if path.is_file() else 0
    if size > MAX_FILE_BYTES:
        raise ValueError(
            f"The {what} file is {size / 2**20:.1f} MB; "
            f"upload at most {MAX_FILE_BYTES // 2**20} MB."
        )
    try:
        # the header's size is checked before the pixels are decoded
        image = open_image(path, max_side=MAX_SIDE, what=what, longest=longest)
    except FileNotFoundError:
        raise ValueError(f"Cannot read the uploaded {what}: the file is gone.") from None
    pixels, small = image.width * image.height, rgb_within(image, longest)
    del image  # the full-size picture goes before its memory is given back
    give_back(pixels)
    return small


def compose(
    face: Image.Image,
    mask: Image.Image | None = None,
    sketch: Image.Image | None = None,
    show_mask: bool = False,
    show_sketch: bool = False,
) -> Image.Image:
    """The result at DISPLAY px, with the region mask and/or the sketch strokes over it."""
    out = face.convert("RGB").resize((DISPLAY, DISPLAY), Image.Resampling.LANCZOS)
    if show_mask and mask is not None:
        colours = mask.convert("RGB").resize(out.size, Image.Resampling.NEAREST)
        out = Image.blend(out, colours, 0.45)
    if show_sketch and sketch is not None:
        ink = sketch.convert("L").resize(out.size, Image.Resampling.BILINEAR)
        strokes = np.asarray(ink, dtype=np.float32) / 255.0  # white paper = 1
        pixels = np.asarray(out, dtype=np.float32)
        alpha = (1.0 - strokes)[..., None] * 0.85
        blue = np.array([30.0, 60.0, 255.0])  # strokes in blue, so they read over any face
        out = Image.fromarray((pixels * (1 - alpha) + blue * alpha).round().astype(np.uint8))
    return out


def region_legend() -> str:
    """Markdown naming each region's overlay colour."""
    from s2fgan.constants import REGIONS

    cells = [
        f'<span style="color:rgb{tuple(c)}">&#9632;</span> {name}'
        for name, c in zip(REGIONS, REGION_COLORS, strict=True)
    ]
    return " &nbsp; ".join(cells)
