"""Image input and output: files, PIL images and arrays to tensors and back, with clear errors.

Every tensor -> pixels conversion in s2fgan goes through `image_to_uint8` / `sketch_to_uint8`
(and the PIL wrappers `tensor_to_pil` / `sketch_to_pil`), every pixels -> tensor conversion
through `pil_to_tensor` / `sketch_to_tensor`, so that all pictures round the same way.

Conventions follow the rest of s2fgan: a photo tensor is [3, H, W] float in [-1, 1]; a sketch
tensor is [1, H, W] float in [0, 1] with white paper = 1. Every PIL mode is reduced to RGB the
same way (transparent pixels composited over white, grey and palette images expanded), so that
a photo uploaded as PNG with alpha, as a greyscale JPEG or as a GIF gives the same tensor as its
plain RGB version.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import IO

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

ImageSource = str | os.PathLike | Image.Image | np.ndarray

# Modes whose pixels hold 16- or 32-bit integers; PIL's own convert("RGB") clips them at 255.
_WIDE_INT_MODES = ("I", "I;16", "I;16L", "I;16B", "I;16N")
# Smaller pictures hold no face the networks could read; the library and the app both refuse
# them through `check_image_size`.
MIN_SIDE = 16
# Larger pictures are refused wherever an image enters (library, command line, app uploads
# and canvas), from the file's header before any pixel is decoded: a few kilobytes of PNG can
# declare 13000 x 13000 pixels, gigabytes once decoded, and a face needs far fewer.
MAX_SIDE = 4096


class ImageSizeError(ValueError):
    """A picture too small or too large to use."""


def check_image_size(
    width: int,
    height: int,
    what: str = "image",
    max_side: int | None = MAX_SIDE,
    min_side: int | None = MIN_SIDE,
) -> None:
    """Refuse a picture smaller than `min_side` or larger than `max_side` pixels a side (None:
    no such limit).

    Raises:
        ImageSizeError: naming `what`, its size and the limit it breaks.
    """
    if min_side is not None and min(width, height) < min_side:
        raise ImageSizeError(
            f"the {what} is only {width}x{height} pixels; give at least {min_side} px a side"
        )
    if max_side is not None and max(width, height) > max_side:
        raise ImageSizeError(
            f"the {what} is {width}x{height} pixels; give at most {max_side} px a side"
        )


def unreadable(what: str = "image", name: str | None = None) -> str:
    """The one message for a picture that cannot be decoded, whichever way it came in."""
    named = f" ({name})" if name else ""
    return (
        f"cannot read the {what}{named}: the file is damaged or not an image "
        "(give a PNG, JPEG or WebP picture)"
    )


def open_image(
    source: str | os.PathLike | IO[bytes],
    max_side: int | None = MAX_SIDE,
    what: str = "image",
    longest: int | None = None,
) -> Image.Image:
    """Open and fully decode an image file, keeping its mode, upright as its EXIF says.

    Args:
        source: path of an image file in any format PIL reads, or a binary file object.
        max_side: refuse, from the file's header and before decoding, an image with a longer
            side (a small file can hold a huge image that would take seconds and gigabytes
            to decode); None: no limit.
        what: how messages name the picture.
        longest: decode a JPEG at a reduced scale (PIL's draft) when its longest side would
            still be at least this; the caller resizes the rest of the way.

    Returns:
        The decoded PIL image (its pixels are read now, so a truncated file fails here).

    Raises:
        FileNotFoundError: the file does not exist.
        ImageSizeError: a picture larger than `max_side` (from the header).
        ValueError: the file exists but is not a readable image (`unreadable`, naming the file).
    """
    name = None
    if isinstance(source, str | os.PathLike):
        source = Path(source)
        if not source.is_file():
            raise FileNotFoundError(f"image file not found: {source}")
        name = source.name
    try:
        with warnings.catch_warnings():
            # the size is checked below against max_side, far under PIL's bomb warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(source)  # reads only the header
        with image:
            check_image_size(*image.size, what=what, max_side=max_side, min_side=None)
            if longest is not None and image.format == "JPEG":
                image.draft(image.mode, (longest, longest))
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # no full-size copy
            return image
    except Image.DecompressionBombError:
        raise ImageSizeError(f"the {what} is larger than {max_side} px a side") from None
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError) as error:
        raise ValueError(unreadable(what, name)) from error


def to_rgb(image: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """Convert a PIL image of any mode to RGB.

    Transparency (RGBA, LA, La, RGBa, PA, and palette or grey images with a transparent colour)
    is composited over `background`, white by default, as a sketch or photo on paper would be.
    Grey, binary, palette, CMYK, YCbCr, LAB, HSV and 16-bit grey images are converted to RGB.

    Args:
        image: a PIL image, any mode.
        background: RGB colour under transparent pixels.

    Returns:
        A new RGB image of the same size.
    """
    if not isinstance(image, Image.Image):
        raise TypeError(f"expected a PIL image, got {type(image).__name__}")
    if image.mode == "RGB":
        return image.copy()
    if image.mode in _WIDE_INT_MODES:
        # 16-bit grey (e.g. 16-bit PNG): map the full 0..65535 range to 0..255.
        grey = np.asarray(image, dtype=np.float64)
        grey = np.clip(np.round(grey / 257.0), 0, 255).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    has_alpha = image.mode in ("RGBA", "LA", "La", "RGBa", "PA") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (*background, 255))
        canvas.alpha_composite(rgba)
        return canvas.convert("RGB")
    return image.convert("RGB")


def _array_to_pil(array: np.ndarray) -> Image.Image:
    """[H, W], [H, W, 1], [H, W, 3] or [H, W, 4] array (uint8 0..255, or float in [0, 1])."""
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ValueError(
            f"expected an image array of shape [H, W], [H, W, 1], [H, W, 3] or [H, W, 4], "
            f"got {tuple(array.shape)}"
        )
    if array.dtype == np.uint8:
        pixels = array
    elif np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all():
            raise ValueError("image array contains NaN or infinite values")
        if array.size and (array.min() < 0.0 or array.max() > 1.0):
            raise ValueError(
                f"a float image array must lie in [0, 1], got [{array.min():.3g}, "
                f"{array.max():.3g}] (pass uint8 for 0..255 pixels)"
            )
        pixels = np.round(array * 255.0).astype(np.uint8)
    else:
        raise ValueError(f"image array must be uint8 or float, got dtype {array.dtype}")
    # PIL infers L / RGB / RGBA from a uint8 array's shape.
    return Image.fromarray(np.ascontiguousarray(pixels))


def shrink(image: Image.Image, longest: int | None) -> Image.Image:
    """`image` scaled down (antialiased, aspect kept) so that its longest side is at most
    `longest`; unchanged when it is small enough or `longest` is None."""
    if longest is None or max(image.size) <= longest:
        return image
    scale = longest / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=3.0)


# Modes that Pillow scales directly (with premultiplied alpha for RGBA and LA, so that
# compositing on white after scaling matches compositing before it).
_SCALABLE_MODES = ("L", "LA", "RGB", "RGBA")


def rgb_within(image: Image.Image, longest: int | None) -> Image.Image:
    """`to_rgb(image)` at most `longest` px a side, scaled down before any RGB copy where the
    mode allows: a 4096 px picture never takes a full-size RGB copy (48 MB) on its way."""
    if image.mode in _SCALABLE_MODES and "transparency" not in image.info:
        image = shrink(image, longest)
    return shrink(to_rgb(image), longest)


def load_image(
    source: ImageSource,
    what: str = "image",
    longest: int | None = None,
    min_side: int | None = None,
) -> Image.Image:
    """Load a photo from a file path, a PIL image or an array, as an RGB PIL image.

    Args:
        source: a path; a PIL image of any mode; or an array [H, W], [H, W, 1], [H, W, 3] or
            [H, W, 4], uint8 in 0..255 or float in [0, 1]. Larger than MAX_SIDE a side is
            refused, for a file before its pixels are decoded.
        what: how messages name the picture.
        longest: scale the picture down so that its longest side is at most this (after
            transparency is composited), so that the work after it is bounded.
        min_side: also refuse a picture with a shorter side than this (its own size, before
            any scaling down).

    Returns:
        RGB PIL image (transparency composited over white).

    Raises:
        FileNotFoundError: a path that does not exist.
        ImageSizeError: a picture larger than MAX_SIDE a side (or smaller than `min_side`).
        ValueError: an undecodable file, an empty (0-pixel) image, or a malformed array.
        TypeError: any other kind of source.
    """
    if isinstance(source, (str, os.PathLike)):
        image = open_image(source, what=what, longest=longest)
    elif isinstance(source, Image.Image):
        image = source
    elif isinstance(source, np.ndarray):
        image = _array_to_pil(source)
    else:
        raise TypeError(
            f"expected a path, a PIL image or a numpy array, got {type(source).__name__}"
        )
    if image.width == 0 or image.height == 0:
        raise ValueError(f"image is empty ({image.width}x{image.height} pixels)")
    check_image_size(*image.size, what=what, min_side=min_side)
    return rgb_within(image, longest)


def pil_to_tensor(image: Image.Image) -> torch.Tensor:
    """RGB (or any-mode) PIL image -> [3, H, W] float32 in [-1, 1]."""
    rgb = np.asarray(to_rgb(image), dtype=np.float32)  # [H, W, 3]
    return torch.from_numpy(rgb.copy()).permute(2, 0, 1).div_(127.5).sub_(1.0)


def image_to_tensor(
    source: ImageSource, what: str = "photo", longest: int | None = None
) -> torch.Tensor:
    """Load a photo as a tensor.

    Args:
        source, what, longest: see `load_image`.

    Returns:
        [3, H, W] float32 in [-1, 1].
    """
    return pil_to_tensor(load_image(source, what, longest))


def sketch_to_tensor(
    source: ImageSource,
    what: str = "sketch",
    longest: int | None = None,
    min_side: int | None = None,
) -> torch.Tensor:
    """Load a sketch (dark strokes on white paper) as a tensor.

    Colour sketches are reduced to grey with ITU-R 601 luma (PIL's "L" conversion);
    transparent pixels count as white paper.

    Args:
        source, what, longest, min_side: see `load_image`.

    Returns:
        [1, H, W] float32 in [0, 1], white paper = 1.
    """
    image = load_image(source, what, longest, min_side).convert("L")
    grey = np.asarray(image, dtype=np.float32)  # [H, W]
    return torch.from_numpy(grey.copy()).div_(255.0).unsqueeze(0)


def _check_image_tensor(tensor: torch.Tensor, channels: int, name: str) -> None:
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"expected a torch tensor, got {type(tensor).__name__}")
    if tensor.ndim != 3 or tensor.shape[0] != channels:
        raise ValueError(f"expected {name} of shape [{channels}, H, W], got {tuple(tensor.shape)}")
    if not tensor.is_floating_point():
        raise ValueError(f"expected a floating {name} tensor, got dtype {tensor.dtype}")
    if tensor.numel() == 0:
        raise ValueError(f"{name} is empty, shape {tuple(tensor.shape)}")
    if not torch.isfinite(tensor).all():
        raise ValueError(f"{name} contains NaN or infinite values")


def image_to_uint8(image: torch.Tensor) -> np.ndarray:
    """Photo tensors -> pixels: the one conversion every picture s2fgan writes goes through.

    Args:
        image: [N, 3, H, W] or [3, H, W] float in [-1, 1] (values outside, a generator's
            overshoot, are clipped).

    Returns:
        uint8 array [N, H, W, 3] (or [H, W, 3]).
    """
    if image.ndim not in (3, 4) or image.shape[-3] != 3:
        raise ValueError(f"image must be [N, 3, H, W] or [3, H, W], got {tuple(image.shape)}")
    pixels = ((image.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return pixels.movedim(-3, -1).numpy()


def sketch_to_uint8(sketch: torch.Tensor) -> np.ndarray:
    """Sketch tensors -> grey pixels.

    Args:
        sketch: [N, 1, H, W] or [1, H, W] float in [0, 1], white paper = 1 (values outside
            are clipped).

    Returns:
        uint8 array [N, H, W] (or [H, W]), white paper = 255.
    """
    if sketch.ndim not in (3, 4) or sketch.shape[-3] != 1:
        raise ValueError(f"sketch must be [N, 1, H, W] or [1, H, W], got {tuple(sketch.shape)}")
    pixels = (sketch.detach().float().cpu().clamp(0, 1) * 255).round().to(torch.uint8)
    return pixels.squeeze(-3).numpy()


def tensor_to_pil(image: torch.Tensor) -> Image.Image:
    """Photo tensor -> RGB PIL image.

    Args:
        image: [3, H, W] float in [-1, 1] (values outside are clipped).

    Returns:
        RGB PIL image of size (W, H).
    """
    _check_image_tensor(image, 3, "image")
    return Image.fromarray(image_to_uint8(image))


def sketch_to_pil(sketch: torch.Tensor) -> Image.Image:
    """Sketch tensor -> grey ("L") PIL image.

    Args:
        sketch: [1, H, W] float in [0, 1], white paper = 1 (values outside are clipped).

    Returns:
        "L" PIL image of size (W, H).
    """
    _check_image_tensor(sketch, 1, "sketch")
    return Image.fromarray(sketch_to_uint8(sketch))
