"""Figures of `s2fgan eval`: pure metrics, and the harness on stand-ins with known answers."""

import pytest
import torch

from s2fgan.evaluation import metrics
from s2fgan.evaluation.evaluate import EvalConfig

CONFIG = EvalConfig(num_portraits=32, num_edit=32, num_swap=16, batch_size=32)


def test_frechet_distance_of_a_shift_is_its_squared_length():
    x = torch.randn(400, 8, generator=torch.Generator().manual_seed(0))
    shift = torch.tensor([1.0, -2.0, 0, 0, 0, 0, 0, 0.5])
    assert metrics.frechet_distance(x, x) == pytest.approx(0, abs=1e-6)
    assert metrics.frechet_distance(x, x + shift) == pytest.approx(
        shift.pow(2).sum().item(), rel=1e-5
    )
    assert metrics.frechet_distance(x, 2 * x) > 1.0  # a wider spread is far too


def test_attribute_success_and_leak():
    pos = torch.full((4, 12), 1.0)
    neg = torch.full((4, 12), 1.0)
    neg[:, 3] = -1.0
    assert metrics.attribute_success(pos, neg, 3) == 1.0
    assert metrics.attribute_success(pos, pos, 3) == 0.5  # never turns it off
    assert metrics.attribute_hits(pos, pos, 3) == (1.0, 0.0)
    assert metrics.attribute_leak(pos, pos, 3) == 0.0
    flipped = pos.clone()
    flipped[:, 0] = -1.0  # one of the 11 others flips
    assert metrics.attribute_leak(pos, flipped, 3) == pytest.approx(1 / 11)


def test_swap_change_inside_and_outside():
    before = torch.zeros(1, 3, 16, 16)
    region = torch.zeros(1, 16, 16, dtype=torch.bool)
    region[:, 4:8, 4:8] = True
    after = before.clone()
    after[:, :, 4:8, 4:8] = 1.0  # change only inside: 0.5 on the 0..1 scale
    leak, effect = metrics.swap_change(before, after, region, radius=1)
    assert leak == 0.0 and effect == pytest.approx(0.5 * 16 / 36)
    after[:, :, 12:, 12:] = -1.0  # now also outside
    assert metrics.swap_change(before, after, region, radius=1)[0] > 0.0
