"""SyntheticPortraits: shapes, determinism, attribute locality, mask and sketch consistency."""

import pytest
import torch
import torch.nn.functional as F

from s2fgan.constants import ATTRIBUTES, NUM_REGIONS, REGION_INDEX
from s2fgan.data import ATTRIBUTE_REGIONS, SyntheticPortraits, photo_to_sketch

SEEDS = list(range(12))


@pytest.fixture(scope="module")
def engine():
    return SyntheticPortraits(resolution=128)


@pytest.fixture(scope="module")
def base(engine):
    return engine.render(SEEDS)


def test_fields_shapes_and_ranges(base):
    n = len(SEEDS)
    assert base.image.shape == (n, 3, 128, 128) and base.image.dtype == torch.float32
    assert base.mask.shape == (n, 128, 128) and base.mask.dtype == torch.int64
    assert base.sketch.shape == (n, 1, 128, 128)
    assert base.attributes.shape == (n, 12)
    assert base.image.min() >= -1 and base.image.max() <= 1
    assert base.sketch.min() >= 0 and base.sketch.max() <= 1
    assert set(base.attributes.unique().tolist()) == {-1.0, 1.0}
    assert base.mask.min() >= 0 and base.mask.max() < NUM_REGIONS
    assert base.seeds.tolist() == SEEDS
    assert all(v.shape == (n,) for v in base.factors.values())


@pytest.mark.parametrize("resolution", [64, 96, 200])
def test_any_resolution(resolution):
    batch = SyntheticPortraits(resolution=resolution).render([0, 1])
    assert batch.image.shape == (2, 3, resolution, resolution)
    assert batch.mask.shape == (2, resolution, resolution)


def test_same_portrait_at_two_resolutions():
    small = SyntheticPortraits(resolution=128).render([4])
    large = SyntheticPortraits(resolution=256).render([4])
    down = F.avg_pool2d(large.image, 2)
    assert (down - small.image).abs().mean() < 0.04
    # Region layout agrees too, up to boundary pixels.
    agree = (large.mask[:, ::2, ::2] == small.mask).float().mean()
    assert agree > 0.95


def test_deterministic_and_independent_of_batch(engine, base):
    again = engine.render(SEEDS)
    assert torch.equal(again.image, base.image) and torch.equal(again.mask, base.mask)
    assert torch.equal(again.sketch, base.sketch)
    alone = engine.render([SEEDS[5]])
    assert torch.equal(alone.image[0], base.image[5])
    assert torch.equal(alone.attributes[0], base.attributes[5])


def test_different_seeds_differ(base):
    diffs = (base.image[1:] - base.image[:-1]).abs().mean((1, 2, 3))
    assert diffs.min() > 0.05


def test_portraits_are_varied(engine):
    batch = engine.render(range(200))
    rate = (batch.attributes > 0).float().mean(0)
    # Every attribute occurs both ways in a couple of hundred portraits.
    assert rate.min() > 0.02 and rate.max() < 0.98
    # Skin tones and backgrounds vary: per-portrait mean colour spreads widely.
    skin = batch.mask == REGION_INDEX["skin"]
    skin_lum = (batch.image.mean(1) * skin).sum((1, 2)) / skin.sum((1, 2))
    assert skin_lum.max() - skin_lum.min() > 0.6


def test_forcing_an_attribute_to_its_drawn_value_changes_nothing(engine, base):
    forced = engine.render(SEEDS, attributes=base.attributes)
    assert torch.equal(forced.image, base.image)


def test_mapping_override_applies_to_all(engine):
    batch = engine.render(range(6), attributes={"Smiling": 1, "Eyeglasses": -1})
    assert (batch.attributes[:, ATTRIBUTES.index("Smiling")] == 1).all()
    assert (batch.attributes[:, ATTRIBUTES.index("Eyeglasses")] == -1).all()
    assert (batch.mask != REGION_INDEX["eyeglasses"]).all()


def _dilate(mask: torch.Tensor, radius: int) -> torch.Tensor:
    kernel = 2 * radius + 1
    return F.max_pool2d(mask.float().unsqueeze(1), kernel, 1, radius).squeeze(1) > 0


@pytest.mark.parametrize("name", ATTRIBUTES)
def test_attribute_changes_only_its_regions(engine, base, name):
    j = ATTRIBUTES.index(name)
    flipped_attrs = base.attributes.clone()
    flipped_attrs[:, j] *= -1
    flipped = engine.render(SEEDS, attributes=flipped_attrs)
    # Only the flipped attribute differs.
    assert torch.equal(flipped.attributes[:, j], -base.attributes[:, j])
    ids = torch.tensor([REGION_INDEX[r] for r in ATTRIBUTE_REGIONS[name]])
    region = torch.isin(base.mask, ids) | torch.isin(flipped.mask, ids)
    allowed = _dilate(region, 3)  # anti-aliasing, shading and sketch wobble reach 3 px
    change = (flipped.image - base.image).abs().amax(1)  # [N, H, W]
    inside = (change * allowed).sum()
    outside = (change * ~allowed).sum()
    assert outside <= 0.01 * inside, f"{name} leaks {outside:.2f} vs {inside:.2f} inside"
    assert ((flipped.mask != base.mask) & ~allowed).sum() == 0
    sketch_change = (flipped.sketch - base.sketch).abs().squeeze(1)
    assert (sketch_change * ~_dilate(region, 4)).sum() <= 0.01 * sketch_change.sum()
    # Every portrait visibly changes in the attribute's regions.
    per_portrait = (change * allowed).sum((1, 2)) / allowed.sum((1, 2))
    assert per_portrait.min() > 0.003, f"{name} barely changes portrait {per_portrait.argmin()}"


def test_mask_matches_attributes_and_factors(base):
    glasses = (base.mask == REGION_INDEX["eyeglasses"]).flatten(1).sum(1) > 0
    assert torch.equal(glasses, base.attributes[:, ATTRIBUTES.index("Eyeglasses")] > 0)
    hat = (base.mask == REGION_INDEX["hat"]).flatten(1).sum(1) > 0
    assert torch.equal(hat, base.factors["hat"] < 0.1)
    for region in ("background", "skin", "brows", "mouth", "nose", "hair"):
        assert ((base.mask == REGION_INDEX[region]).flatten(1).sum(1) > 0).all(), region
    # Lenses are labelled eyeglasses (as in CelebAMask-HQ), so eyes show only without them.
    eyes = (base.mask == REGION_INDEX["eyes"]).flatten(1).sum(1) > 0
    assert eyes[~glasses].all()
    # The corners are background (or hair / cloth), never the face.
    corners = base.mask[:, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert not torch.isin(corners, torch.tensor([REGION_INDEX["skin"], REGION_INDEX["eyes"]])).any()


def test_smile_shows_teeth(engine):
    smile = engine.render(range(8), attributes={"Smiling": 1})
    neutral = engine.render(range(8), attributes={"Smiling": -1})
    mouth = smile.mask == REGION_INDEX["mouth"]
    bright_smile = ((smile.image.mean(1) > 0.6) & mouth).flatten(1).sum(1)
    mouth_n = neutral.mask == REGION_INDEX["mouth"]
    bright_neutral = ((neutral.image.mean(1) > 0.6) & mouth_n).flatten(1).sum(1)
    assert (bright_smile > bright_neutral).all()


def test_sketch_is_paper_with_strokes_on_region_edges(base):
    sketch = base.sketch.squeeze(1)
    assert sketch.mean() > 0.85  # mostly white paper
    assert (sketch.flatten(1).min(1).values < 0.35).all()  # every portrait has dark strokes
    edges = torch.zeros_like(base.mask, dtype=torch.bool)
    edges[:, 1:] |= base.mask[:, 1:] != base.mask[:, :-1]
    edges[:, :, 1:] |= base.mask[:, :, 1:] != base.mask[:, :, :-1]
    near_edge = _dilate(edges, 3)
    ink = 1 - sketch
    assert (ink * near_edge).sum() / ink.sum() > 0.6


def test_sketch_styles():
    drawn = SyntheticPortraits(resolution=64).render([1, 2])
    xdog = SyntheticPortraits(resolution=64, sketch_style="xdog").render([1, 2])
    assert torch.equal(drawn.image, xdog.image)
    assert torch.allclose(xdog.sketch, photo_to_sketch(xdog.image))
    assert not torch.allclose(xdog.sketch, drawn.sketch)


def test_dataset_item_is_the_seeded_portrait():
    data = SyntheticPortraits(resolution=64, length=10, seed_offset=100)
    item = data[3]
    batch = data.render([103])
    assert torch.equal(item["image"], batch.image[0]) and int(item["seed"]) == 103
    assert len(data) == 10
    with pytest.raises(IndexError):
        data[10]


@pytest.mark.parametrize(
    ("kwargs", "call", "message"),
    [
        ({"resolution": 32}, {"seeds": [0]}, "resolution must be"),
        ({"sketch_style": "ink"}, {"seeds": [0]}, "sketch_style"),
        ({}, {"seeds": []}, "seeds is empty"),
        ({}, {"seeds": [-1]}, "non-negative"),
        ({}, {"seeds": [0], "attributes": {"Smiles": 1}}, "unknown attribute 'Smiles'"),
        ({}, {"seeds": [0], "attributes": {"Smiling": 0.5}}, "must be \\+1 or -1"),
        ({}, {"seeds": [0, 1], "attributes": torch.zeros(3, 12)}, "shape"),
        ({}, {"seeds": [0], "attributes": torch.full((12,), 2.0)}, "-1, 0"),
    ],
)
def test_bad_input_is_refused(kwargs, call, message):
    with pytest.raises(ValueError, match=message):
        SyntheticPortraits(**{"resolution": 64, **kwargs}).render(**call)
