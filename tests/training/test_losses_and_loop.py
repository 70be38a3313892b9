"""Losses as pure functions, EMA, and a few steps of the training loop on a tiny config."""

import json
import shutil

import pytest
import torch

from s2fgan.training import losses
from s2fgan.training.config import TrainConfig
from s2fgan.training.ema import EMA
from tests.training.tiny_networks import TINY_NETWORKS


def test_adversarial_losses_prefer_the_right_side():
    good, bad = torch.full((4,), 5.0), torch.full((4,), -5.0)
    assert losses.generator_adversarial(good) < losses.generator_adversarial(bad)
    assert losses.discriminator_adversarial(good, bad) < losses.discriminator_adversarial(bad, good)


def test_r1_is_the_squared_input_gradient():
    x = torch.randn(3, 2, requires_grad=True)
    logits = (x * torch.tensor([2.0, -1.0])).sum(1)
    assert losses.r1_penalty(logits, [x]).item() == pytest.approx(5.0)


def test_reconstruction_and_masks():
    a = torch.zeros(1, 3, 8, 8)
    assert losses.reconstruction(a, a) == 0
    assert losses.reconstruction(a, a + 0.5).item() == pytest.approx(0.5)
    mask = torch.zeros(1, 8, 8, dtype=torch.long)
    perfect = torch.full((1, 13, 4, 4), 1e-6)
    perfect[:, 0] = 1.0
    assert losses.coarse_mask_cross_entropy(perfect, mask) < 1e-4
    uniform = torch.full((1, 13, 4, 4), 1 / 13)
    assert losses.coarse_mask_cross_entropy(uniform, mask) > 2.0


def test_edit_delta_rewards_the_counterfactual_change_only():
    original = torch.zeros(1, 3, 8, 8)
    target = original.clone()
    target[..., :2, :2] = 1.0  # the attribute changes 1/16 of the picture
    nothing = losses.edit_delta(original, original, target, original)
    right = losses.edit_delta(target, original, target, original)
    assert right.item() == pytest.approx(0.0)
    assert nothing.item() > 0.9  # doing nothing costs the whole change, not 1/16 of it
    smeared = losses.edit_delta(original + 0.3, original, target, original)
    assert smeared > right


def test_mask_dice_counts_a_small_region_like_a_large_one():
    mask = torch.zeros(1, 16, 16, dtype=torch.long)
    mask[0, :2, :2] = 1  # a small region: 4 of 256 pixels
    right = torch.nn.functional.one_hot(mask, 2).permute(0, 3, 1, 2).float() * 20
    missed = torch.zeros_like(right)
    missed[:, 0] = 20.0  # all background: the small region is lost
    assert losses.mask_dice(right, mask).item() < 0.01
    # missing 4 pixels of 256 costs ~0.4 of 1 (half, less the smoothing), though
    # cross-entropy barely moves
    assert losses.mask_dice(missed, mask).item() > 0.35
    assert losses.mask_cross_entropy(missed, mask).item() < 0.4


def test_region_weights_make_a_small_region_count_in_cross_entropy():
    mask = torch.zeros(4, 16, 16, dtype=torch.long)
    mask[:, :2, :2] = 1  # 4 of 256 pixels
    weight = losses.region_weights(mask, 3, power=0.5, max_weight=10.0)
    share = torch.tensor([252 / 256, 4 / 256])
    assert (share * weight[:2]).sum().item() == pytest.approx(1.0, abs=0.01)  # pixel mean ~1
    assert weight[1] / weight[0] == pytest.approx((share[0] / share[1]).sqrt().item(), rel=1e-3)
    assert weight[2].item() == 10.0  # a region never seen gets the cap
    assert torch.allclose(losses.region_weights(mask, 3, power=0.0), torch.ones(3), atol=1e-4)
    missed = torch.zeros(4, 3, 16, 16)
    missed[:, 0] = 5.0  # all background: the small region is lost
    plain = losses.mask_cross_entropy(missed, mask).item()
    balanced = losses.mask_cross_entropy(missed, mask, weight).item()
    assert balanced > 4 * plain
    coarse = missed.softmax(1)
    assert losses.coarse_mask_cross_entropy(coarse, mask, weight) > 4 * (
        losses.coarse_mask_cross_entropy(coarse, mask)
    )


def test_semantic_code_does_not_move_the_photo_code():
    photo = torch.randn(2, 27, 4, requires_grad=True)
    sketch = torch.randn(2, 27, 4, requires_grad=True)
    losses.semantic_code(sketch, photo).backward()
    assert photo.grad is None and sketch.grad.abs().sum() > 0


def test_edit_weights_steer_which_attribute_an_edit_flips():
    from s2fgan.constants import ATTRIBUTE_INDEX
    from s2fgan.training.sources import edit_sampling_weights

    assert edit_sampling_weights({}) is None  # uniform
    weights = edit_sampling_weights({"Narrow_Eyes": 5.0, "Smiling": 0.0})
    assert weights[ATTRIBUTE_INDEX["Narrow_Eyes"]] == 5.0
    assert weights[ATTRIBUTE_INDEX["Smiling"]] == 0.0
    assert weights[ATTRIBUTE_INDEX["Male"]] == 1.0
    draws = torch.multinomial(
        weights, 4000, replacement=True, generator=torch.Generator().manual_seed(0)
    )
    share = (draws == ATTRIBUTE_INDEX["Narrow_Eyes"]).float().mean().item()
    assert share == pytest.approx(5 / 15, abs=0.03)
    assert not (draws == ATTRIBUTE_INDEX["Smiling"]).any()
    with pytest.raises(ValueError, match="Narrow_Eye"):
        edit_sampling_weights({"Narrow_Eye": 2.0})
    with pytest.raises(ValueError, match=">= 0"):
        edit_sampling_weights({"Male": -1.0})


def test_an_edit_can_flip_several_distinct_attributes_and_training_flushes_denormals(tmp_path):
    from dataclasses import replace

    from s2fgan.training.loop import train
    from s2fgan.training.sources import draw_edits, flip

    attrs = torch.ones(64, 12)
    rng = torch.Generator().manual_seed(0)
    j = draw_edits(64, rng, flips=3)
    assert j.shape == (64, 3)
    assert all(len(set(row.tolist())) == 3 for row in j)  # distinct per portrait
    flipped = flip(attrs, j)
    assert ((flipped == -1).sum(1) == 3).all() and (attrs == 1).all()  # a copy is flipped
    only = torch.zeros(12)
    only[:2] = 1.0
    with pytest.raises(ValueError, match="edit_flips 3"):
        draw_edits(64, rng, only, flips=3)
    j1 = draw_edits(64, torch.Generator().manual_seed(0))
    assert j1.shape == (64, 1)  # one flip: one uniform draw per portrait
    assert (
        j1[:, 0].tolist()
        == torch.randint(0, 12, (64,), generator=torch.Generator().manual_seed(0)).tolist()
    )
    # a tiny run trains with it; out-of-range values fail before the first step
    train(replace(TINY, out_dir=str(tmp_path / "k"), steps=2, edit_flips=3), progress=False)
    assert (tmp_path / "k/final/generator/config.json").exists()
    # training flushes denormal floats (TrainConfig.flush_denormal), process-wide
    assert torch.tensor([1e-39]).item() == 0.0
    train(replace(TINY, out_dir=str(tmp_path / "d"), steps=1, flush_denormal=False), progress=False)
    assert torch.tensor([1e-39]).item() > 0.0
    with pytest.raises(ValueError, match="edit_flips must lie"):
        train(replace(TINY, out_dir=str(tmp_path / "bad"), edit_flips=13), progress=False)


def test_ema_trails_the_model():
    model = torch.nn.Linear(2, 2)
    ema = EMA(model, decay=0.5)
    start = ema.shadow.weight.clone()
    with torch.no_grad():
        model.weight.add_(1.0)
    ema.update(model)
    assert torch.allclose(ema.shadow.weight, start + 0.5)


TINY = TrainConfig(
    resolution=64,
    batch_size=2,
    steps=4,
    log_every=1,
    sample_every=2,
    checkpoint_every=2,
    compile_engine=False,
    sketch_style="drawn",
    **TINY_NETWORKS,
)


def test_training_runs_checkpoints_resumes_and_exports(tmp_path):
    from dataclasses import replace

    from s2fgan.pipelines import SketchToFacePipeline
    from s2fgan.training.commands import export_pipeline
    from s2fgan.training.loop import train

    config = replace(TINY, out_dir=str(tmp_path / "run"), steps=2)
    train(config, progress=False)
    assert json.loads((tmp_path / "run/checkpoint/step.json").read_text())["step"] == 2
    final = train(replace(config, steps=4), progress=False)  # resumes at step 2
    lines = [json.loads(x) for x in (tmp_path / "run/metrics.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [1, 2, 3, 4]
    assert all(v == v for x in lines for v in x.values())  # no NaN
    assert (tmp_path / "run/samples/000002.png").exists()
    pipe = SketchToFacePipeline.from_pretrained(
        export_pipeline(final, tmp_path / "pipe", styles=16)
    )
    assert pipe.random_face(0).images[0].size == (64, 64)
    assert pipe.has_style_bank and pipe.style_bank.config.size == 16  # built from its encoders


def test_max_minutes_stops_with_a_checkpoint_and_final_networks(tmp_path):
    from dataclasses import replace

    from s2fgan.training.loop import train

    # (and the optional paths: edited faces meet the discriminator; weighted edit sampling;
    # region-balanced mask losses)
    config = replace(
        TINY,
        out_dir=str(tmp_path / "run"),
        steps=50,
        max_minutes=1e-6,
        adversarial_edits=True,
        edit_weights={"Narrow_Eyes": 3.0},
        mask_balance=0.5,
    )
    final = train(config, progress=False)
    saved = json.loads((tmp_path / "run/checkpoint/step.json").read_text())
    assert saved["step"] == 1 and saved["minutes"] > 0
    assert (final / "generator" / "config.json").exists()
    # the clock counts the whole run: a resume of a run out of time stops after one step
    train(config, progress=False)
    assert json.loads((tmp_path / "run/checkpoint/step.json").read_text())["step"] == 2


def test_a_segment_stops_without_moving_the_schedule_and_the_next_one_resumes(tmp_path):
    from dataclasses import replace

    from s2fgan.training.loop import train

    # (and the v2 terms: photo textures on the sketch side, feature matching)
    config = replace(
        TINY,
        out_dir=str(tmp_path / "run"),
        steps=50,
        lr_decay_tail=0.5,
        segment_minutes=1e-6,
        sketch_texture_from_photo=True,
        sketch_edit_texture_from_photo=True,
        w_feature_match=1.0,
    )
    train(config, progress=False)
    train(config, progress=False)  # the next segment: one more step
    lines = [json.loads(x) for x in (tmp_path / "run/metrics.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [1, 2]
    assert [x["lr_scale"] for x in lines] == [1.0, 1.0]  # far from the tail of 50 steps
    assert all(x["feature_match"] > 0 for x in lines)


def test_photo_textures_on_sketch_edits_need_them_on_the_sketch_side(tmp_path):
    from dataclasses import replace

    from s2fgan.training.loop import train

    config = replace(TINY, out_dir=str(tmp_path / "run"), sketch_edit_texture_from_photo=True)
    with pytest.raises(ValueError, match="needs sketch_texture_from_photo"):
        train(config, progress=False)


def _tiny_base(tmp_path):
    """A two-step TINY run (its OUT/final) and the pipeline exported from it: what a
    fine-tune starts from."""
    from dataclasses import replace

    from s2fgan.training.commands import export_pipeline
    from s2fgan.training.loop import train

    final = train(replace(TINY, out_dir=str(tmp_path / "base"), steps=2), progress=False)
    return final, export_pipeline(final, tmp_path / "pipe", styles=0)


def test_fine_tuning_starts_from_a_pipeline_and_warms_the_discriminators_up_first(tmp_path):
    from dataclasses import replace

    from s2fgan.models.discriminators import DualBranchDiscriminator
    from s2fgan.models.region_generator import RegionGenerator
    from s2fgan.training.loop import train
    from s2fgan.training.networks import Networks, start_from_pipeline

    base_final, base = _tiny_base(tmp_path)
    # a run's OUT/final keeps its discriminator too, and a fine-tune from it takes it over
    nets = Networks(TINY)
    start_from_pipeline(nets, base_final)
    saved = DualBranchDiscriminator.from_pretrained(base_final / "discriminator").state_dict()
    assert all(torch.equal(saved[k], v) for k, v in nets.discriminator.state_dict().items())
    before = RegionGenerator.from_pretrained(base / "generator").state_dict()
    tune = replace(
        TINY,
        out_dir=str(tmp_path / "tune"),
        init_from=str(base),
        init_step=2,
        d_warmup_steps=2,
        steps=4,
        generator={},  # the pipeline's own configs win over these
    )
    final = train(tune, progress=False)
    lines = [json.loads(x) for x in (tmp_path / "tune/metrics.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [3, 4]  # numbering (and seeds) go on from init_step
    warmed = RegionGenerator.from_pretrained(final / "generator").state_dict()
    assert all(torch.equal(before[k], warmed[k]) for k in before)  # only D trained so far
    final = train(replace(tune, steps=5), progress=False)  # resumes; the generator trains now
    tuned = RegionGenerator.from_pretrained(final / "generator").state_dict()
    assert not all(torch.equal(before[k], tuned[k]) for k in before)

    with pytest.raises(ValueError, match="init_step 5 must lie in"):
        train(replace(tune, out_dir=str(tmp_path / "x"), init_step=5), progress=False)
    with pytest.raises(FileNotFoundError, match="has no generator/config.json"):
        train(replace(tune, out_dir=str(tmp_path / "y"), init_from=str(tmp_path)), progress=False)


def test_training_the_sketch_encoder_alone_keeps_every_other_network(tmp_path):
    from dataclasses import replace

    from s2fgan.training.loop import train
    from s2fgan.training.networks import PIPELINE_COMPONENTS

    _, base = _tiny_base(tmp_path)
    tune = replace(
        TINY,
        out_dir=str(tmp_path / "tune"),
        init_from=str(base),
        init_step=2,
        steps=4,
        train_only="sketch_encoder",
        sketch_style="all",
        generator={},
    )
    final = train(tune, progress=False)
    for name in PIPELINE_COMPONENTS:
        before = (base / name / "diffusion_pytorch_model.safetensors").read_bytes()
        after = (final / name / "diffusion_pytorch_model.safetensors").read_bytes()
        assert (before != after) == (name == "sketch_encoder"), name
    lines = [json.loads(x) for x in (tmp_path / "tune/metrics.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [3, 4]
    assert all(x["seg"] > 0 and x["semantic"] > 0 and x["d"] == 0 for x in lines)
    assert all(x["anchor"] >= 0 for x in lines)  # the starting encoder's base and textures
    assert all(x["edit"] == 0 and x["adv"] == 0 for x in lines)  # no edit, no discriminator
    assert (tmp_path / "tune/samples/000004.png").exists()
    train(replace(tune, steps=5), progress=False)  # resumes from its own checkpoint
    assert json.loads((tmp_path / "tune/checkpoint/step.json").read_text())["step"] == 5

    with pytest.raises(ValueError, match="train_only must be one of"):
        train(replace(tune, out_dir=str(tmp_path / "x"), train_only="generator"), progress=False)
    with pytest.raises(ValueError, match="needs init_from"):
        train(replace(tune, out_dir=str(tmp_path / "y"), init_from=""), progress=False)


def test_the_learning_rate_is_constant_then_falls_linearly_over_the_tail(tmp_path):
    from dataclasses import replace

    from s2fgan.training.loop import train
    from s2fgan.training.schedule import lr_scale, run_progress

    assert lr_scale(0.5, tail=0.0, final=0.05) == 1.0
    assert lr_scale(0.6, tail=0.4, final=0.05) == 1.0
    assert lr_scale(0.8, tail=0.4, final=0.0) == pytest.approx(0.5)
    assert lr_scale(1.0, tail=0.4, final=0.05) == pytest.approx(0.05)
    assert run_progress(10, 100, minutes=30, max_minutes=60) == 0.5  # the clock ends it first
    assert run_progress(90, 100, minutes=30, max_minutes=60) == 0.9
    with pytest.raises(ValueError, match="lr_decay_tail"):
        lr_scale(0.5, tail=1.5, final=0.05)
    with pytest.raises(ValueError, match="lr_final"):
        train(replace(TINY, out_dir=str(tmp_path / "bad"), lr_final=-1.0), progress=False)
    with pytest.raises(ValueError, match="lr_final_d must lie"):
        train(replace(TINY, out_dir=str(tmp_path / "bad_d"), lr_final_d=2.0), progress=False)

    # the discriminators' rate may stay constant while the generator side's falls, and the
    # edit losses' weights rise over the same tail
    run = replace(
        TINY,
        out_dir=str(tmp_path / "run"),
        lr_decay_tail=0.5,
        lr_final_d=1.0,
        edit_boost=3.0,
    )
    train(run, progress=False)
    lines = [json.loads(x) for x in (tmp_path / "run/metrics.jsonl").read_text().splitlines()]
    assert [x["lr_scale"] for x in lines] == [1.0, 1.0, 1.0, pytest.approx(0.525)]
    assert [x["lr_scale_d"] for x in lines] == [1.0] * 4
    assert [x["edit_boost"] for x in lines] == [1.0, 1.0, 1.0, pytest.approx(2.0)]
    # the state before the tail's first step is kept; another tail branches from it
    assert json.loads((tmp_path / "run/checkpoint-tail/step.json").read_text())["step"] == 3
    shutil.copytree(tmp_path / "run/checkpoint-tail", tmp_path / "branch/checkpoint")
    train(replace(run, out_dir=str(tmp_path / "branch"), edit_boost=1.0), progress=False)
    lines = [json.loads(x) for x in (tmp_path / "branch/metrics.jsonl").read_text().splitlines()]
    assert [(x["step"], x["edit_boost"]) for x in lines] == [(4, 1.0)]
    assert lines[0]["lr_scale"] == pytest.approx(0.525)
    with pytest.raises(ValueError, match="edit_boost must be >= 0"):
        train(replace(TINY, out_dir=str(tmp_path / "bad_b"), edit_boost=-1.0), progress=False)


def test_random_faces_meet_the_discriminator_every_n_steps_or_never(tmp_path):
    from dataclasses import replace

    from s2fgan.models.mapping import MappingNetwork
    from s2fgan.training.loop import train
    from s2fgan.training.networks import Networks

    torch.manual_seed(0)
    fresh = Networks(TINY).mapping.state_dict()  # what train() builds under set_seed(0)

    def trained_mapping(every: int) -> MappingNetwork:
        out = tmp_path / f"every{every}"
        train(replace(TINY, out_dir=str(out), steps=2, random_fakes_every=every), progress=False)
        return MappingNetwork.from_pretrained(out / "final" / "mapping")

    def moved(mapping: MappingNetwork) -> bool:
        trained = mapping.state_dict()
        return any(not torch.equal(fresh[k], trained[k]) for k in fresh if k != "w_avg")

    mapping = trained_mapping(2)
    assert moved(mapping)  # step 0 draws random faces: the mapping network learns
    # and tracks its mean code: one update of w_avg (beta 0.995) from zero
    with torch.no_grad():
        batch_mean = mapping(mapping.sample_z(256, torch.Generator().manual_seed(0))).mean(0)
    assert mapping.w_avg.abs().max() > 0
    ratio = (mapping.w_avg * batch_mean).sum() / batch_mean.pow(2).sum()
    assert 0.002 < ratio.item() < 0.008  # ~0.005 of the mean code, as one update gives
    mapping = trained_mapping(0)  # never: only the sketch faces meet the discriminator
    assert not moved(mapping) and mapping.w_avg.abs().max() == 0
    with pytest.raises(ValueError, match="random_fakes_every must be >= 0"):
        bad = replace(TINY, out_dir=str(tmp_path / "bad"), random_fakes_every=-1)
        train(bad, progress=False)


def test_bf16_mixed_precision_trains_the_same_steps_in_autocast(tmp_path):
    """--mixed-precision bf16 runs the forward passes under bf16 autocast, on CPU as on GPU
    (faster where the CPU has AMX: benchmarks/step_cost.py --mixed-precision bf16). Accelerate
    fixes the precision once per process, so the bf16 run gets a process of its own."""
    import subprocess
    import sys
    from dataclasses import asdict, replace

    from s2fgan.training.loop import train

    def first_step(precision: str) -> dict:
        out = tmp_path / precision
        config = replace(TINY, out_dir=str(out), steps=2, mixed_precision=precision)
        if precision == "no":
            train(config, progress=False)
        else:  # `s2fgan train --config` in a process of its own
            path = tmp_path / "bf16.json"
            path.write_text(json.dumps(asdict(config)))
            cli = [sys.executable, "-m", "s2fgan.cli", "train", "--config", str(path)]
            subprocess.run(cli, check=True)
        return json.loads((out / "metrics.jsonl").read_text().splitlines()[0])

    fp32, bf16 = first_step("no"), first_step("bf16")
    assert all(bf16[k] == bf16[k] for k in bf16)  # no NaN
    # the same portraits and weights, computed in bf16: close, not equal
    assert bf16["rec"] != fp32["rec"]
    assert bf16["rec"] == pytest.approx(fp32["rec"], rel=0.05)
    assert bf16["seg"] == pytest.approx(fp32["seg"], rel=0.05)
