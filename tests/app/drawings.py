"""Drawings the app tests feed to the canvas and uploads."""

import base64
import io

import numpy as np
from PIL import Image


def strokes(size=200, mode="RGBA") -> Image.Image:
    """A face-like drawing: black lines on a transparent (or white) layer."""
    image = Image.new(mode, (size, size), (0, 0, 0, 0) if mode == "RGBA" else "white")
    a = np.array(image)
    ink = (0, 0, 0, 255) if mode == "RGBA" else (0, 0, 0)
    yy, xx = np.mgrid[:size, :size]
    ring = np.abs(np.hypot(xx - size / 2, yy - size / 2) - size / 3) < 2
    a[ring] = ink
    a[size // 2 - 20 : size // 2 - 16, size // 3 : 2 * size // 3] = ink
    return Image.fromarray(a, mode)


def pad(image: Image.Image | None = None, fmt: str = "PNG") -> str:
    """The drawing pad's value for a drawing: its page (white paper under the strokes) as an
    image data URL, as the browser sends it at a stroke's end."""
    image = strokes() if image is None else image
    page = Image.new("RGBA", image.size, "white")
    page.alpha_composite(image.convert("RGBA"))
    buffer = io.BytesIO()
    page.convert("RGB").save(buffer, format=fmt)
    kind = fmt.lower()
    return f"data:image/{kind};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def png_data_url(data: bytes) -> str:
    """Any bytes as a PNG data URL (a damaged or hostile canvas)."""
    return f"data:image/png;base64,{base64.b64encode(data).decode('ascii')}"
