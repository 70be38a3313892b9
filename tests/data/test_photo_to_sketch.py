"""photo_to_sketch: blank paper for flat images, strokes on edges, mode and size agreement."""

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from s2fgan.data.image_io import pil_to_tensor
from s2fgan.data.photo_to_sketch import photo_to_sketch


def _disc(size: int = 128, radius_frac: float = 30 / 128, mode: str = "RGB") -> Image.Image:
    """White picture with a black disc in the centre."""
    image = Image.new(mode, (size, size), "white")
    r = radius_frac * size
    c = size / 2
    ImageDraw.Draw(image).ellipse([c - r, c - r, c + r, c + r], fill="black")
    return image


def _radius(size: int) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    return np.hypot(yy - size / 2, xx - size / 2)


def _colour_scene() -> Image.Image:
    """Few-colour picture (so that a palette copy is lossless) with edges of several contrasts."""
    image = Image.new("RGB", (96, 80), (200, 170, 140))
    draw = ImageDraw.Draw(image)
    draw.ellipse([20, 10, 76, 70], fill=(230, 190, 160))
    draw.rectangle([30, 30, 45, 36], fill=(40, 30, 20))
    draw.rectangle([52, 30, 67, 36], fill=(40, 30, 20))
    draw.chord([35, 48, 61, 62], 0, 180, fill=(170, 60, 60))
    return image


def _as_array(sketch: Image.Image) -> np.ndarray:
    return np.asarray(sketch, dtype=np.float64) / 255.0


@pytest.mark.parametrize("grey", [0, 37, 128, 255])
def test_flat_image_is_blank_paper(grey: int) -> None:
    sketch = photo_to_sketch(Image.new("RGB", (90, 70), (grey, grey, grey)))
    assert sketch.mode == "L"
    assert sketch.size == (90, 70)
    assert _as_array(sketch).mean() > 0.99

    tensor = torch.full((2, 3, 33, 47), grey / 127.5 - 1.0)
    assert photo_to_sketch(tensor).mean().item() > 0.99


def test_disc_gives_strokes_on_its_boundary_only() -> None:
    sketch = _as_array(photo_to_sketch(_disc()))
    r = _radius(128)
    # Strokes lie just inside the edge (the dark side), all the way round.
    ring = (r > 28) & (r < 30)
    assert sketch[ring].mean() < 0.1
    angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    for angle in angles:
        ys = (64 + np.arange(26, 33) * np.sin(angle)).astype(int)
        xs = (64 + np.arange(26, 33) * np.cos(angle)).astype(int)
        assert sketch[ys, xs].min() < 0.2, f"no stroke at angle {angle:.2f}"
    # Paper far from the edge, inside and outside the disc, stays white.
    assert sketch[r < 24].min() > 0.98
    assert sketch[r > 35].min() > 0.98
    assert (sketch > 0.9).mean() > 0.85  # mostly white paper


def test_drawing_does_not_depend_on_resolution() -> None:
    big = _disc(512)
    small = big.resize((128, 128), Image.Resampling.BILINEAR)
    big_sketch = photo_to_sketch(big).resize((128, 128), Image.Resampling.BILINEAR)
    small_sketch = photo_to_sketch(small)
    assert np.abs(_as_array(big_sketch) - _as_array(small_sketch)).mean() < 0.03
    # The stroke is about 4x wider in pixels at 512 px.
    row = _as_array(photo_to_sketch(big))[256]
    assert 4 <= (row < 0.5).sum() / 2 <= 16


def test_pil_modes_agree() -> None:
    rgb = _colour_scene()
    reference = _as_array(photo_to_sketch(rgb))
    assert (reference < 0.5).sum() > 50  # the scene does draw something

    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    assert np.array_equal(np.asarray(palette.convert("RGB")), np.asarray(rgb))
    rgba = rgb.convert("RGBA")
    for other in (palette, rgba):
        assert np.abs(_as_array(photo_to_sketch(other)) - reference).max() < 1e-6, other.mode

    grey = rgb.convert("L")
    grey_sketch = _as_array(photo_to_sketch(grey))
    assert np.array_equal(grey_sketch, _as_array(photo_to_sketch(grey.convert("RGB"))))
    # Grey conversion rounds luma to 8 bits; the drawing barely moves.
    assert np.abs(grey_sketch - reference).mean() < 0.01


def test_transparent_pixels_are_white_paper() -> None:
    rgba = _disc(64, mode="RGBA")
    pixels = np.asarray(rgba).copy()
    pixels[:, :32, 3] = 0  # left half transparent: disc invisible there
    sketch = _as_array(photo_to_sketch(Image.fromarray(pixels)))
    white_left = _disc(64).copy()
    ImageDraw.Draw(white_left).rectangle([0, 0, 31, 63], fill="white")
    assert np.abs(sketch - _as_array(photo_to_sketch(white_left))).max() < 1e-6
    assert sketch[:, :28].min() > 0.98
    assert sketch[:, 34:].min() < 0.2


def test_tensor_inputs_agree_with_pil() -> None:
    rgb = _colour_scene()
    reference = torch.from_numpy(_as_array(photo_to_sketch(rgb))).float()  # [H, W]
    image = pil_to_tensor(rgb)  # [3, H, W]

    single = photo_to_sketch(image)
    assert single.shape == (1, 80, 96)
    assert single.dtype == torch.float32
    assert (single - reference).abs().max().item() <= 0.5 / 255 + 1e-6

    batch = photo_to_sketch(torch.stack([image, image.flip(-1)]))
    assert batch.shape == (2, 1, 80, 96)
    assert torch.allclose(batch[0], single, atol=1e-6)
    assert torch.allclose(batch[1], single.flip(-1), atol=1e-5)
    assert batch.min().item() >= 0.0
    assert batch.max().item() <= 1.0

    grey = image.mean(dim=0, keepdim=True)  # [1, H, W]
    assert torch.allclose(photo_to_sketch(grey), photo_to_sketch(grey.expand(3, -1, -1)), atol=1e-5)

    double = photo_to_sketch(image.double())
    assert double.dtype == torch.float64


@pytest.mark.parametrize("size", [(1, 1), (97, 61), (5, 300)])
def test_output_size_equals_input_size(size: tuple[int, int]) -> None:
    assert photo_to_sketch(Image.new("RGB", size, "white")).size == size
    w, h = size
    assert photo_to_sketch(torch.zeros(3, 3, h, w)).shape == (3, 1, h, w)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (torch.zeros(2, 8, 8, 8), "channels"),
        (torch.zeros(8, 8), "shape"),
        (torch.zeros(1, 2, 3, 8, 8), "shape"),
        (torch.zeros(3, 0, 8), "empty"),
        (torch.zeros(0, 3, 8, 8), "empty"),
        (torch.full((3, 8, 8), float("nan")), "NaN"),
        (torch.full((3, 8, 8), float("inf")), "NaN"),
        (torch.full((3, 8, 8), 200.0), "[-1, 1]"),
        (torch.zeros(3, 8, 8, dtype=torch.uint8), "floating"),
        (Image.new("RGB", (0, 10)), "empty"),
    ],
)
def test_invalid_inputs_raise(image: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        photo_to_sketch(image)


def test_invalid_parameters_and_types_raise() -> None:
    image = torch.zeros(3, 8, 8)
    with pytest.raises(ValueError, match="sigma"):
        photo_to_sketch(image, sigma=0.0)
    with pytest.raises(ValueError, match="k "):
        photo_to_sketch(image, k=1.0)
    with pytest.raises(ValueError, match="tau"):
        photo_to_sketch(image, tau=1.5)
    with pytest.raises(TypeError, match="PIL image or a torch tensor"):
        photo_to_sketch(np.zeros((8, 8, 3)))
