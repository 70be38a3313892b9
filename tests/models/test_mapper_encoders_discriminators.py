"""AttributeMapper directions and edits, encoders, discriminators, gradient reversal."""

import pytest
import torch

from s2fgan.constants import ATTRIBUTE_REGIONS, ATTRIBUTES
from s2fgan.layers.gradient_reversal import grad_reverse
from s2fgan.models import (
    AttributeMapper,
    DualBranchDiscriminator,
    ImageEncoder,
    LatentDomainDiscriminator,
    SketchEncoder,
)
from s2fgan.models.latent_layout import LatentLayout

W = 16


@pytest.fixture(scope="module")
def mapper():
    return AttributeMapper(w_dim=W)


def test_directions_are_orthonormal_and_stay_in_their_regions(mapper):
    assert mapper.orthogonality_error() < 1e-5
    layout = LatentLayout(w_dim=W)
    for name in ATTRIBUTES:
        assert mapper.slots(name) == layout.slots(ATTRIBUTE_REGIONS[name])


def test_edit_sets_one_strength_and_keeps_the_others(mapper):
    ws = torch.randn(3, 27, W)
    edited = mapper.edit(ws, {"Bangs": 2.5})
    before, after = mapper.strengths(ws), mapper.strengths(edited)
    j = ATTRIBUTES.index("Bangs")
    assert torch.allclose(after[:, j], torch.full((3,), 2.5), atol=1e-4)
    keep = [i for i in range(12) if i != j]
    assert torch.allclose(after[:, keep], before[:, keep], atol=1e-4)
    changed = (edited - ws).abs().sum(-1).sum(0) > 0
    assert torch.nonzero(changed).flatten().tolist() == mapper.slots("Bangs")


def test_tensor_edit_keeps_nan_entries(mapper):
    ws = torch.randn(2, 27, W)
    targets = torch.full((2, 12), float("nan"))
    targets[0, 0] = -3.0
    edited = mapper.edit(ws, targets)
    assert mapper.strengths(edited)[0, 0].item() == pytest.approx(-3.0, abs=1e-4)
    assert torch.allclose(edited[1], ws[1])


@pytest.mark.parametrize(
    "attributes, message",
    [
        ({"Smling": 1.0}, "unknown attribute 'Smling'"),
        ({"Smiling": 4.5}, r"must lie in \[-4, 4\]"),
        ({"Smiling": float("nan")}, "must lie in"),
        ({"Smiling": "big"}, "must be a number"),
    ],
)
def test_bad_edits_are_refused(mapper, attributes, message):
    with pytest.raises(ValueError, match=message):
        mapper.edit(torch.zeros(1, 27, W), attributes)


def test_encoders_write_the_code_layout():
    sketch = SketchEncoder(resolution=64, widths=(8, 8, 16, 16, 16), w_dim=W)
    image = ImageEncoder(resolution=64, widths=(8, 8, 16, 16, 16), w_dim=W)
    assert sketch(torch.ones(2, 1, 64, 64)).shape == (2, 27, W)
    assert image(torch.zeros(2, 3, 64, 64)).shape == (2, 27, W)
    with pytest.raises(ValueError, match=r"expected \[B, 1, 64, 64\]"):
        sketch(torch.ones(2, 1, 32, 32))


def test_discriminators_give_one_logit_per_sample():
    d = DualBranchDiscriminator(resolution=64, widths=(8, 8, 16, 16))
    assert d(torch.zeros(3, 3, 64, 64), torch.zeros(3, 13, 64, 64)).shape == (3,)
    assert LatentDomainDiscriminator(w_dim=W)(torch.zeros(3, 27, W)).shape == (3,)


def test_discriminator_attribute_head_shares_the_realism_trunk():
    torch.manual_seed(0)
    d = DualBranchDiscriminator(resolution=64, widths=(8, 8, 16, 16), num_attributes=12)
    image, seg = torch.randn(3, 3, 64, 64), torch.rand(3, 13, 64, 64)
    realism, attributes = d.classify(image, seg)
    assert attributes.shape == (3, 12)
    assert torch.equal(realism, d(image, seg))
    plain = DualBranchDiscriminator(resolution=64, widths=(8, 8, 16, 16))
    assert plain.classify(image, seg)[1] is None
    # the head adds keys but renames none: old checkpoints still load into the trunk
    assert set(plain.state_dict()) < set(d.state_dict())


def test_gradient_reversal_flips_and_scales_the_gradient():
    x = torch.ones(3, requires_grad=True)
    grad_reverse(x, 0.5).sum().backward()
    assert torch.equal(x.grad, torch.full((3,), -0.5))
