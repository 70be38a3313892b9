"""Evaluator networks, augmentation, mIoU and the evaluator training loop (tiny settings)."""

import argparse
import json

import pytest
import torch

from s2fgan.constants import HELDOUT_SEEDS, TRAIN_SEEDS
from s2fgan.evaluation.augment import augment
from s2fgan.evaluation.metrics import miou, region_iou
from s2fgan.evaluation.networks import AttributeClassifier, Segmenter
from s2fgan.evaluation.train_evaluators import train


def test_splits_are_disjoint_and_large_enough():
    assert len(HELDOUT_SEEDS) >= 500
    assert HELDOUT_SEEDS.start >= TRAIN_SEEDS.stop


def test_networks_shapes_and_gradients():
    image = torch.randn(2, 3, 64, 64, requires_grad=True)
    classifier = AttributeClassifier(widths=(8, 8, 16, 16), embed_dim=32)
    segmenter = Segmenter(stem_width=8, widths=(8, 8, 16, 16))
    logits, seg = classifier(image), segmenter(image)
    assert logits.shape == (2, 12) and classifier.embed(image).shape == (2, 32)
    assert seg.shape == (2, 13, 64, 64)
    (logits.sum() + seg.sum()).backward()
    assert image.grad is not None and image.grad.abs().sum() > 0
    assert all(p.grad is not None for p in segmenter.parameters())


@pytest.mark.parametrize("cls", [AttributeClassifier, Segmenter])
def test_save_and_load_round_trip(tmp_path, cls):
    torch.manual_seed(0)
    net = cls().eval()
    net.save_pretrained(tmp_path)
    assert (tmp_path / "config.json").exists()
    assert (tmp_path / "diffusion_pytorch_model.safetensors").exists()
    loaded = cls.from_pretrained(tmp_path).eval()
    image = torch.rand(1, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        assert torch.equal(net(image), loaded(image))


def test_augment_keeps_shape_range_and_is_seeded():
    smooth = torch.rand(6, 3, 4, 4) * 1.6 - 0.8
    image = torch.nn.functional.interpolate(smooth, size=32, mode="bilinear")
    a = augment(image, torch.Generator().manual_seed(1), jpeg_share=0.5)
    b = augment(image, torch.Generator().manual_seed(1), jpeg_share=0.5)
    assert a.shape == image.shape and a.min() >= -1 and a.max() <= 1
    assert torch.equal(a, b)
    change = (a - image).abs().mean()
    assert 0.005 < change < 0.2  # degraded, but still the same picture


def test_miou_counts_present_classes_only():
    target = torch.zeros(1, 4, 4, dtype=torch.int64)
    target[:, :2] = 1
    assert miou(target, target) == 1.0
    pred = target.clone()
    pred[:, 0] = 0  # row of class 1 called class 0
    # class 0: inter 8, union 12 ; class 1: inter 4, union 8
    assert miou(pred, target) == pytest.approx((8 / 12 + 4 / 8) / 2)
    # the same terms by region name, for the regions present only
    ious = region_iou(pred, target)
    assert list(ious) == ["background", "skin"]
    assert ious["skin"] == pytest.approx(4 / 8)


def test_training_runs_resumes_and_reports(tmp_path):
    args = argparse.Namespace(
        out=str(tmp_path),
        steps=3,
        batch_size=2,
        resolution=64,
        lr=1e-3,
        save_every=2,
        seed=0,
        compile=False,
    )
    report = train(args)
    assert (tmp_path / "classifier" / "config.json").exists()
    assert (tmp_path / "segmenter" / "diffusion_pytorch_model.safetensors").exists()
    saved = json.loads((tmp_path / "heldout.json").read_text())
    assert saved["num_portraits"] == len(HELDOUT_SEEDS)
    assert set(saved["attribute_accuracy"]) == set(report["attribute_accuracy"])
    assert 0 <= saved["segmenter_miou"] <= 1
    assert torch.load(tmp_path / "checkpoint.pt", weights_only=True)["step"] == 3
