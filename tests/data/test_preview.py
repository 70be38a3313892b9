"""Preview pictures: mask colours, tensor-to-PIL conversion, and the grid's placement and labels."""

import numpy as np
import pytest
import torch

from s2fgan.constants import ATTRIBUTE_INDEX, ATTRIBUTES, NUM_REGIONS, REGION_COLORS
from s2fgan.data.batch import PortraitBatch
from s2fgan.data.image_io import image_to_uint8, sketch_to_uint8, tensor_to_pil
from s2fgan.data.preview import (
    GRID_BACKGROUND,
    attribute_labels,
    colorize_mask,
    grid_layout,
    preview_grid,
)


def _batch(n: int, size: int = 64, attributes: torch.Tensor | None = None) -> PortraitBatch:
    """Random pictures (so that a misplaced or flipped panel cannot match by chance)."""
    g = torch.Generator().manual_seed(n)
    if attributes is None:
        attributes = torch.where(torch.rand(n, len(ATTRIBUTES), generator=g) > 0.5, 1.0, -1.0)
    return PortraitBatch(
        image=torch.rand(n, 3, size, size, generator=g) * 2 - 1,
        mask=torch.randint(0, NUM_REGIONS, (n, size, size), generator=g),
        sketch=torch.rand(n, 1, size, size, generator=g),
        attributes=attributes,
        seeds=torch.arange(100, 100 + n),
    )


def test_colorize_mask_paints_each_region_in_its_colour() -> None:
    mask = torch.arange(NUM_REGIONS).repeat(2, 3, 1)  # [2, 3, 13]: every id in every row
    rgb = colorize_mask(mask)
    assert rgb.shape == (2, 3, NUM_REGIONS, 3) and rgb.dtype == np.uint8
    for region, colour in enumerate(REGION_COLORS):
        assert (rgb[:, :, region] == np.array(colour)).all()


@pytest.mark.parametrize("bad", [-1, NUM_REGIONS])
def test_colorize_mask_rejects_unknown_ids(bad: int) -> None:
    mask = torch.zeros(1, 4, 4, dtype=torch.int64)
    mask[0, 2, 1] = bad
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 13\)"):
        colorize_mask(mask)


def test_tensor_to_pil_maps_the_range_and_keeps_orientation() -> None:
    image = torch.full((3, 2, 3), -1.0)  # H = 2, W = 3
    image[0, 0, 2] = 1.0  # top-right red
    image[1, 1, 0] = 0.0  # bottom-left half green
    image[2, 1, 1] = 1.7  # overshoot is clipped
    picture = tensor_to_pil(image)
    assert picture.mode == "RGB" and picture.size == (3, 2)
    pixels = np.asarray(picture)
    assert tuple(pixels[0, 2]) == (255, 0, 0)
    assert tuple(pixels[1, 0]) == (0, 128, 0)
    assert tuple(pixels[1, 1]) == (0, 0, 255)
    assert pixels.sum() == 255 + 128 + 255


def test_attribute_labels_name_exactly_the_positive_attributes() -> None:
    row = -torch.ones(len(ATTRIBUTES))
    row[ATTRIBUTE_INDEX["Smiling"]] = 1
    row[ATTRIBUTE_INDEX["Eyeglasses"]] = 1
    assert attribute_labels(row) == ["smile", "glasses"]
    assert attribute_labels(-torch.ones(len(ATTRIBUTES))) == []


def test_grid_places_image_mask_and_sketch_of_every_portrait() -> None:
    batch = _batch(5)
    grid = preview_grid(batch, columns=2)
    layout = grid_layout(5, 2, 64, 64)
    assert layout.rows == 3
    assert grid.size == layout.size
    assert grid.size[0] == layout.pad + 2 * (3 * 64 + 2 * layout.gap + layout.pad)
    pixels = np.asarray(grid)
    expected = (
        image_to_uint8(batch.image),
        colorize_mask(batch.mask),
        np.repeat(sketch_to_uint8(batch.sketch)[..., None], 3, axis=-1),
    )
    for i in range(5):
        for panel in range(3):
            x, y = layout.panel_origin(i, panel)
            np.testing.assert_array_equal(pixels[y : y + 64, x : x + 64], expected[panel][i])
    # The sixth cell of the 3 x 2 grid is empty.
    x, y = layout.cell_origin(5)
    empty = pixels[y : y + layout.cell_height, x : x + layout.cell_width]
    assert (empty == np.array(GRID_BACKGROUND)).all()


def test_labels_are_written_and_stay_inside_their_cell() -> None:
    # Worst case for the text: every attribute at +1 in a small 64 px cell.
    batch = _batch(4, attributes=torch.ones(4, len(ATTRIBUTES)))
    grid = np.asarray(preview_grid(batch, columns=2)).astype(int)
    layout = grid_layout(4, 2, 64, 64)
    ink = grid.sum(-1) < 3 * 120  # dark text pixels
    for i in range(4):
        x, y = layout.label_origin(i)
        label_h = layout.cell_height - layout.panel_height - layout.gap
        lines = ink[y : y + label_h, x : x + layout.cell_width].any(axis=1)
        # Text on the seed line and on every attribute line (all 12 names need them all).
        for k in range(1 + layout.attribute_lines):
            assert lines[k * layout.line_height : (k + 1) * layout.line_height].any()
    # Nothing is drawn in the padding between cells.
    for row in range(layout.rows):
        top = layout.cell_origin(row * layout.columns)[1] + layout.cell_height
        assert not ink[top : top + layout.pad].any()
    left = layout.cell_origin(0)[0] + layout.cell_width
    assert not ink[:, left : left + layout.pad].any()


def test_grid_rejects_zero_columns() -> None:
    with pytest.raises(ValueError, match="columns must be at least 1"):
        preview_grid(_batch(2), columns=0)
