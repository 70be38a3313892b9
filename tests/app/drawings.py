"""Drawings the app tests feed to the canvas and uploads."""

import numpy as np
from PIL import Image


def strokes(size=200, mode="RGBA") -> Image.Image:
    """A face-like drawing: black lines on a transparent (or white) layer, as Sketchpad gives."""
    image = Image.new(mode, (size, size), (0, 0, 0, 0) if mode == "RGBA" else "white")
    a = np.array(image)
    ink = (0, 0, 0, 255) if mode == "RGBA" else (0, 0, 0)
    yy, xx = np.mgrid[:size, :size]
    ring = np.abs(np.hypot(xx - size / 2, yy - size / 2) - size / 3) < 2
    a[ring] = ink
    a[size // 2 - 20 : size // 2 - 16, size // 3 : 2 * size // 3] = ink
    return Image.fromarray(a, mode)
