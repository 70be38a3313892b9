"""Pictures in and out of the app: canvas and upload reading with clear errors, overlays.

Readers raise `ValueError` with a message for the user; the handlers turn it into
`gr.Error`, so every check here can be tested without a browser.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from s2fgan.constants import REGION_COLORS
from s2fgan.data.image_io import ImageSizeError, open_image, to_rgb

# Larger uploads are refused: a sketch or portrait needs far fewer pixels, and decoding a
# huge image would hold the shared queue.
MAX_SIDE = 4096
MAX_FILE_BYTES = 10 * 1024 * 1024
DISPLAY = 256  # results are shown (and downloaded) at this size


def read_canvas(value) -> Image.Image:
    """The drawing of a gr.Sketchpad value (its composite, strokes over white paper)."""
    if value is None:
        raise ValueError("The canvas is empty: draw a face with the brush first.")
    if isinstance(value, dict):
        image = value.get("composite")
        if image is None:
            layers = [x for x in value.get("layers") or [] if x is not None]
            image = layers[-1] if layers else value.get("background")
    else:
        image = value
    if image is None:
        raise ValueError("The canvas is empty: draw a face with the brush first.")
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    if isinstance(image, str | os.PathLike):
        image = open_image(image)
    return to_rgb(image)


def drawn_by_hand(value) -> bool:
    """Whether a gr.Sketchpad value holds strokes of the user's own: a layer with a visible
    pixel. A canvas that only shows a picture put there (an example) holds none. Any other
    value (an image sent through the API) counts as drawn."""
    if not isinstance(value, dict):
        return value is not None
    for layer in value.get("layers") or []:
        if isinstance(layer, str | os.PathLike):
            layer = open_image(layer)
        if isinstance(layer, np.ndarray):
            layer = Image.fromarray(layer)
        if layer is not None and (layer.mode != "RGBA" or layer.getchannel("A").getbbox()):
            return True
    return False


def read_upload(path: str | os.PathLike | None, what: str = "image") -> Image.Image:
    """An uploaded file as RGB, refusing missing, oversized or undecodable files."""
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
        image = open_image(path, max_side=MAX_SIDE, what=what)
    except FileNotFoundError:
        raise ValueError(f"Cannot read the uploaded {what}: the file is gone.") from None
    except ImageSizeError:
        raise
    except ValueError:
        raise ValueError(
            f"Cannot read the uploaded {what} ({path.name}): upload a PNG, JPEG or WebP image."
        ) from None
    return to_rgb(image)


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
