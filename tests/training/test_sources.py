"""The synthetic data source of `s2fgan train`: sketch styles, framing, the held-out style."""

from dataclasses import replace

import pytest
import torch

from s2fgan.data import SyntheticPortraits
from s2fgan.data.sketch_styles import HELDOUT_STYLE, SKETCH_STYLES, TRAINING_STYLES
from s2fgan.training.sources import SyntheticSource
from tests.training.test_losses_and_loop import TINY


def test_training_draws_every_style_and_frames_heads_as_configured():
    config = replace(TINY, sketch_style="all", framing="0.7,1.6", batch_size=64)
    batch = next(SyntheticSource(config, 0, 1).steps(0)).batch
    styles = {SKETCH_STYLES[int(i)] for i in batch.factors["sketch_style"]}
    assert styles == set(TRAINING_STYLES)  # 64 portraits show all six styles
    fixed = SyntheticPortraits(config.resolution).render(batch.seeds)
    head = lambda mask: (mask != 0).float().mean((1, 2))  # noqa: E731 (not background)
    ratio = head(batch.mask) / head(fixed.mask)
    assert ratio.min() < 0.8 and ratio.max() > 1.3  # heads shrunk and grown on the page
    assert torch.equal(batch.attributes, fixed.attributes)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sketch_style", HELDOUT_STYLE, "held out"),
        ("sketch_style", {"drawn": 0.5, HELDOUT_STYLE: 0.5}, "held"),
        ("framing", "0.7", "LOW,HIGH"),
        ("framing", "0.1,0.2", "0.3 <= low"),
    ],
)
def test_bad_style_or_framing_is_refused(field, value, message):
    with pytest.raises(ValueError, match=message):
        SyntheticSource(replace(TINY, **{field: value}), 0, 1)


def test_render_workers_paint_the_same_steps_as_the_loop():
    config = replace(TINY, batch_size=2, compile_engine=False)
    inline = SyntheticSource(config, 1, 2)
    pooled = SyntheticSource(replace(config, render_workers=2), 1, 2).steps(5)
    for step in (5, 6, 7):
        want, got = inline.render_step(step), next(pooled)
        assert torch.equal(want.batch.image, got.batch.image)
        assert torch.equal(want.edit_j, got.edit_j)
        assert torch.equal(want.counterfactual.image, got.counterfactual.image)
    pooled.close()


def test_render_reuse_trains_on_recent_steps_instead_of_waiting():
    config = replace(TINY, batch_size=2, compile_engine=False, render_workers=1, render_reuse=4)
    steps = SyntheticSource(config, 0, 1).steps(0)
    seeds = [tuple(next(steps).batch.seeds.tolist()) for _ in range(12)]
    steps.close()
    assert seeds[0] == (0, 1)  # the first step waits for the painter
    fresh = sorted(set(seeds))
    assert fresh == [(2 * i, 2 * i + 1) for i in range(len(fresh))]  # painted in order
    assert len(fresh) < len(seeds)  # a step served again while the painter worked
