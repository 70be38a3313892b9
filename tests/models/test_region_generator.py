"""RegionGenerator and MappingNetwork on tiny configs: shapes, region independence, save/load."""

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from s2fgan.models.latent_layout import LatentLayout
from s2fgan.models.mapping import MappingNetwork
from s2fgan.models.region_generator import RegionGenerator

TINY = dict(
    w_dim=16, grid_size=8, fourier_features=8, local_width=8, feature_dim=8, render_widths=(8, 8)
)


@pytest.fixture(scope="module")
def generator():
    torch.manual_seed(0)
    return RegionGenerator(**TINY).eval()


@pytest.fixture(scope="module")
def ws():
    return torch.randn(2, 27, 16, generator=torch.Generator().manual_seed(1))


def test_outputs(generator, ws):
    out = generator(ws)
    assert out.image.shape == (2, 3, 16, 16) and generator.resolution == 16
    assert out.segmentation.shape == (2, 13, 16, 16)
    assert out.masks.shape == (2, 13, 8, 8)
    assert torch.allclose(out.masks.sum(1), torch.ones(2, 8, 8), atol=1e-5)


def test_texture_swap_keeps_masks_shape_swap_moves_them(generator, ws):
    layout = LatentLayout(13, 16)
    donor = torch.randn_like(ws)
    texture = ws.clone()
    slots = layout.slots(["hair"], ["texture"])
    texture[:, slots] = donor[:, slots]
    shape = ws.clone()
    slots = layout.slots(["hair"], ["shape"])
    shape[:, slots] = donor[:, slots]
    with torch.no_grad():
        base, tex, shp = generator(ws), generator(texture), generator(shape)
    assert torch.equal(base.masks, tex.masks)
    assert not torch.allclose(base.image, tex.image)
    assert (base.masks - shp.masks).abs().max() > 1e-3


LAYOUT_OPTIONS = [
    dict(spatial_depth=True, render_masks=True),
    dict(spatial_depth=False, render_masks=False),
    dict(spatial_depth=True, render_masks=False),
]


@pytest.mark.parametrize("options", LAYOUT_OPTIONS)
def test_every_parameter_learns(ws, options):
    generator = RegionGenerator(**TINY, **options)
    out = generator(ws)
    (out.image.square().mean() + out.segmentation.logsumexp(1).mean()).backward()
    for name, p in generator.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_bad_code_is_refused(generator):
    with pytest.raises(ValueError, match=r"ws must be \[B, 27, 16\]"):
        generator(torch.zeros(1, 26, 16))


def test_without_the_layout_options_the_parameters_are_those_of_older_weights():
    """Weights trained before spatial_depth/render_masks load with both set to False."""
    old = RegionGenerator(**TINY, spatial_depth=False, render_masks=False)
    new = RegionGenerator(**TINY)
    assert not any(name.startswith("depth_map") for name, _ in old.named_parameters())
    assert old.render_in[0].in_channels == TINY["feature_dim"]
    assert new.render_in[0].in_channels == TINY["feature_dim"] + 13
    assert new.depth_map.out_features == TINY["grid_size"] ** 2


@pytest.mark.parametrize("options", LAYOUT_OPTIONS[:2])
def test_save_and_load_give_identical_output(tmp_path, ws, options):
    generator = RegionGenerator(**TINY, **options).eval()
    generator.save_pretrained(tmp_path / "g")
    loaded = RegionGenerator.from_pretrained(tmp_path / "g").eval()
    with torch.no_grad():
        assert torch.equal(generator(ws).image, loaded(ws).image)


def _counted_flops_per_image(generator: RegionGenerator) -> float:
    ws = torch.zeros(2, generator.layout.num_ws, generator.config.w_dim)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        generator(ws)
    return counter.get_total_flops() / 2


@pytest.mark.parametrize("options", LAYOUT_OPTIONS)
def test_flop_formula_matches_the_flops_a_forward_pass_runs(options):
    generator = RegionGenerator(**TINY, **options).eval()
    counted = _counted_flops_per_image(generator)
    assert generator.flops_per_image() == pytest.approx(counted, rel=0.05)


def test_a_forward_pass_of_the_default_config_fits_the_cpu_budget():
    # docs/architecture.md: well under 1 GFLOP per 128 px image on the 2-core CPU.
    assert _counted_flops_per_image(RegionGenerator().eval()) < 1e9


def test_mapping_slots_are_independent():
    mapping = MappingNetwork(w_dim=16, z_dim=8).eval()
    z = mapping.sample_z(2, torch.Generator().manual_seed(0))
    assert z.shape == (2, 27, 8)
    z2 = z.clone()
    z2[:, 5] = torch.randn(2, 8)
    with torch.no_grad():
        a, b = mapping(z), mapping(z2)
    changed = (a - b).abs().amax((0, 2)) > 0
    assert changed.tolist() == [k == 5 for k in range(27)]
    with pytest.raises(ValueError, match="z must be"):
        mapping(torch.zeros(2, 27, 9))


def test_truncation_pulls_towards_the_tracked_mean_code():
    torch.manual_seed(0)
    mapping = MappingNetwork(w_dim=16, z_dim=8).eval()
    rng = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for _ in range(400):  # training's updates: the moving mean of mapped batches
            mapping.track_w_avg(mapping(mapping.sample_z(32, rng)).mean(0), beta=0.98)
        mean = mapping(mapping.sample_z(4096, rng)).mean(0)  # [27, 16]
        ws = mapping(mapping.sample_z(8, rng))
    assert mean.abs().mean() > 0.1  # the mean code is far from zero ...
    assert (mapping.w_avg - mean).norm() < 0.05 * mean.norm()  # ... and tracked
    assert torch.equal(mapping.truncate(ws, 0.0), mapping.w_avg.expand_as(ws))
    far, near = (ws - mean).norm(), (mapping.truncate(ws, 0.5) - mean).norm()
    assert near < 0.55 * far  # psi 0.5 halves the distance to the mean code
    state = mapping.state_dict()
    assert torch.equal(state["w_avg"], mapping.w_avg)  # saved with the weights
    with pytest.raises(ValueError, match="mean_ws must be"):
        mapping.track_w_avg(ws)
