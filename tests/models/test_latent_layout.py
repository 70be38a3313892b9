"""LatentLayout.copy_slots: the one slot copy behind swaps, styles and texture transfer."""

import pytest
import torch

from s2fgan.models.latent_layout import LatentLayout


def _codes(n: int, fill: float, layout: LatentLayout) -> torch.Tensor:
    return torch.full((n, layout.num_ws, layout.w_dim), fill)


def test_copy_slots_changes_exactly_the_chosen_slots_and_leaves_ws_alone():
    layout = LatentLayout(w_dim=4)
    ws, donor = _codes(2, 0.0, layout), _codes(2, 1.0, layout)
    out = layout.copy_slots(ws, donor, ["hair", "eyes"], ["texture"])
    changed = (out != 0).all(-1).all(0).nonzero().flatten().tolist()
    assert changed == layout.slots(["hair", "eyes"], ["texture"])
    assert changed == [layout.texture_slot(2), layout.texture_slot(7)]
    assert torch.equal(ws, _codes(2, 0.0, layout))


def test_copy_slots_without_regions_takes_every_region_and_one_donor_serves_all():
    layout = LatentLayout(w_dim=4)
    ws = _codes(3, 0.0, layout)
    donor = torch.arange(layout.num_ws, dtype=torch.float64)[None, :, None].expand(1, -1, 4)
    out = layout.copy_slots(ws, donor, parts=["texture"])  # float64 donor: cast to ws
    assert out.dtype == torch.float32
    first = layout.texture_slot(0)
    assert torch.equal(out[:, :first], ws[:, :first])
    assert torch.equal(out[:, first:], donor[:, first:].float().expand(3, -1, -1))


def test_copy_slots_passes_gradients_to_the_slots_each_code_gives():
    layout = LatentLayout(w_dim=2)
    ws = _codes(1, 0.0, layout).requires_grad_(True)
    donor = _codes(1, 1.0, layout).requires_grad_(True)
    layout.copy_slots(ws, donor, ["skin"], ["shape"]).sum().backward()
    skin = layout.shape_slot(1)
    assert donor.grad[0, :, 0].nonzero().flatten().tolist() == [skin]
    assert ws.grad[0, skin].abs().sum() == 0 and ws.grad.sum() == (layout.num_ws - 1) * 2


def test_copy_slots_refuses_a_donor_count_that_does_not_match():
    layout = LatentLayout(w_dim=4)
    with pytest.raises(ValueError, match="donor has 2 faces; give 1 or 3"):
        layout.copy_slots(_codes(3, 0.0, layout), _codes(2, 1.0, layout), ["hair"])
    with pytest.raises(ValueError, match="unknown regions"):
        layout.copy_slots(_codes(1, 0.0, layout), _codes(1, 1.0, layout), ["tail"])
