"""TrainingLoss's phases on their own, on the tiny networks of tests/training (no Accelerate):
which terms each phase computes, what it trains, and that each network runs once a phase."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from s2fgan.data import SyntheticPortraits
from s2fgan.training.networks import Classifier, Networks, Renderer
from s2fgan.training.phases import GENERATOR_TERMS, StepInputs, TrainingLoss
from s2fgan.training.sources import draw_edits, flip
from tests.training.test_losses_and_loop import TINY


def _loss(config):
    torch.manual_seed(0)
    nets = Networks(config)
    names = ("mapping", "sketch_encoder", "image_encoder", "latent_discriminator")
    prepared = {name: getattr(nets, name) for name in names}
    prepared |= {
        "generator": Renderer(nets.generator),
        "classifier": Classifier(nets.discriminator),
    }
    raw = {name: getattr(nets, name) for name in (*names, "generator", "attribute_mapper")}
    raw["discriminator"] = nets.discriminator
    return nets, TrainingLoss(prepared, raw, config)


def _inputs(nets, counterfactual: bool, random_faces: bool = True) -> StepInputs:
    engine = SyntheticPortraits(64, sketch_style="drawn")
    batch = engine.render(range(2))
    rng = torch.Generator().manual_seed(0)
    edit_j = draw_edits(2, rng)
    target = engine.render(batch.seeds, flip(batch.attributes, edit_j)) if counterfactual else None
    return StepInputs(
        photo=batch.image,
        sketch=batch.sketch,
        mask=batch.mask,
        attributes=batch.attributes,
        edit_j=edit_j,
        on_sketch=torch.tensor([True, False]),
        counterfactual=target,
        z=nets.mapping.sample_z(2, rng) if random_faces else None,
    )


def test_the_generator_phase_renders_once_and_leaves_the_discriminator_alone():
    nets, loss = _loss(replace(TINY, w_edit_cycle=0.5))
    calls = []
    nets.generator.register_forward_hook(lambda module, args, out: calls.append(len(args[0])))
    g = loss.generator_step(_inputs(nets, counterfactual=True))
    assert calls == [8]  # photo, sketch, edited and random codes of 2 portraits: one pass
    assert set(g.terms) == set(GENERATOR_TERMS)
    for name in ("rec", "seg", "coarse", "semantic", "attr", "edit", "edit_delta", "edit_class"):
        assert g.terms[name] > 0, name
    assert g.terms["cycle"] > 0 and g.terms["adv"] > 0 and g.terms["domain"] > 0
    assert g.fake_image.shape == (4, 3, 64, 64) and not g.fake_image.requires_grad  # random+sketch
    g.total.backward()
    assert all(p.grad is None for p in nets.discriminator.parameters())  # frozen in this phase
    assert all(p.requires_grad for p in nets.discriminator.parameters())  # and thawed after
    for name in ("generator", "mapping", "sketch_encoder", "image_encoder", "latent_discriminator"):
        grads = [p.grad for p in getattr(nets, name).parameters()]
        assert all(g is not None for g in grads), name  # every parameter of the side trains
    assert nets.mapping.w_avg.abs().sum() > 0  # the random codes moved the tracked mean


def test_without_a_counterfactual_only_the_terms_that_need_none_apply():
    nets, loss = _loss(replace(TINY, w_edit_cycle=0.0, w_domain=0.0))
    g = loss.generator_step(_inputs(nets, counterfactual=False, random_faces=False))
    assert g.terms["edit"] == 0 and g.terms["edit_delta"] == 0  # need a counterfactual
    assert g.terms["cycle"] == 0 and g.terms["domain"] == 0  # their weights are 0
    assert g.terms["edit_class"] > 0  # the attribute head judges the edit on any data
    assert g.fake_image.shape[0] == 2  # sketch faces only
    g.total.backward()
    assert all(p.grad is None for p in nets.latent_discriminator.parameters())
    assert all(p.grad is None for p in nets.mapping.parameters())


def test_the_cycle_term_is_zero_when_the_edited_face_encodes_back_to_its_code():
    nets, loss = _loss(replace(TINY, w_edit_cycle=1.0))
    ws = nets.image_encoder(torch.zeros(2, 3, 64, 64))
    rows, j = torch.arange(2)[:, None], torch.tensor([[0], [3]])
    strengths = nets.attribute_mapper.strengths(ws)
    targets = torch.full_like(strengths, float("nan"))
    targets[rows, j] = 3.0
    edited = nets.attribute_mapper.edit(ws, targets)
    # an encoder that reads the edited code back exactly: the cycle closes
    loss.nets["image_encoder"] = lambda image: edited
    assert loss.cycle_term(torch.zeros(2, 3, 64, 64), ws, rows, j).item() == pytest.approx(
        0, abs=1e-8
    )
    loss.nets["image_encoder"] = lambda image: edited + 0.1  # an edit that cannot be undone
    assert loss.cycle_term(torch.zeros(2, 3, 64, 64), ws, rows, j).item() > 1e-3


def test_the_discriminator_phase_adds_r1_on_its_lazy_steps_only():
    nets, loss = _loss(TINY)
    inputs = _inputs(nets, counterfactual=True)
    g = loss.generator_step(inputs)
    plain, terms = loss.discriminator_step(inputs, g.fake_image, g.fake_segmentation, r1=False)
    assert terms["r1"] == 0 and terms["d_class"] > 0
    with_r1, terms = loss.discriminator_step(inputs, g.fake_image, g.fake_segmentation, r1=True)
    assert terms["r1"] > 0
    assert with_r1.item() == pytest.approx(
        plain.item() + 0.5 * TINY.r1_gamma * TINY.r1_every * terms["r1"].item(), rel=1e-5
    )
    with_r1.backward()
    assert all(p.grad is not None for p in nets.discriminator.parameters())
    assert all(p.grad is None for p in nets.generator.parameters())  # the fakes are detached
