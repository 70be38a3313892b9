"""DiffAugment, the projected discriminator and the losses on the frozen features, with a
randomly initialised EfficientNet-Lite0 (the wheel is not needed)."""

import pytest
import torch

from s2fgan.training import feature_losses, losses
from s2fgan.training.diffaugment import color, cutout, diff_augment, translation
from s2fgan.training.feature_network import EfficientNetLite0, FeatureNetwork
from s2fgan.training.projected_discriminator import ProjectedDiscriminator, RandomProjection


@pytest.fixture(scope="module")
def features() -> FeatureNetwork:
    torch.manual_seed(0)
    return FeatureNetwork(EfficientNetLite0())


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- DiffAugment


def test_augmentation_is_drawn_from_the_passed_generator_only():
    image = torch.rand(4, 3, 32, 32) * 2 - 1
    torch.manual_seed(0)
    a = diff_augment(image, _gen(1))
    torch.manual_seed(1)  # the global generator plays no part
    b = diff_augment(image, _gen(1))
    c = diff_augment(image, _gen(2))
    assert torch.equal(a, b) and not torch.equal(a, c)
    with pytest.raises(ValueError, match="unknown augmentation"):
        diff_augment(image, _gen(0), ("color", "flip"))


def test_translation_moves_a_pixel_by_whole_steps_within_the_ratio():
    image = torch.zeros(16, 1, 32, 32)
    image[:, :, 16, 16] = 1.0
    moved = translation(image, _gen(0), ratio=0.125)
    where = moved.flatten(1).argmax(1)
    dy, dx = where // 32 - 16, where % 32 - 16
    assert moved.flatten(1).sum(1).eq(1).all()  # moved, not blurred
    assert dy.abs().max() <= 4 and dx.abs().max() <= 4
    assert len(set(zip(dy.tolist(), dx.tolist(), strict=True))) > 4


def test_cutout_blanks_one_square_of_the_ratio():
    image = torch.ones(32, 3, 40, 40)
    out = cutout(image, _gen(0), ratio=0.2)
    blank = (out == 0).all(1).flatten(1).sum(1)  # [B] pixels cut, the same in every channel
    assert blank.max() == 8 * 8 and blank.min() > 0
    assert ((out == 0) | (out == 1)).all()


def test_colour_changes_each_image_by_its_own_draw():
    image = torch.rand(8, 3, 16, 16) * 2 - 1
    out = color(torch.cat([image, image]), _gen(0))
    assert not torch.allclose(out[:8], out[8:])  # the same picture, two draws
    single = color(image[:1], _gen(3))
    assert single.shape == (1, 3, 16, 16) and not torch.allclose(single, image[:1])


def test_augmentation_passes_gradients_to_the_image():
    image = (torch.rand(2, 3, 16, 16) * 2 - 1).requires_grad_(True)
    diff_augment(image, _gen(0)).sum().backward()
    assert image.grad is not None and image.grad.abs().sum() > 0


# --- the projected discriminator


def test_random_projection_is_fixed_by_its_seed_and_mixes_scales():
    a = RandomProjection((4, 8), (6, 6), seed=3)
    b = RandomProjection((4, 8), (6, 6), seed=3)
    assert all(torch.equal(x, y) for x, y in zip(a.buffers(), b.buffers(), strict=True))
    fine, coarse = torch.zeros(1, 4, 8, 8), torch.randn(1, 8, 4, 4)
    mixed = a([fine, coarse])
    assert [tuple(m.shape) for m in mixed] == [(1, 6, 8, 8), (1, 6, 4, 4)]
    assert mixed[0].abs().sum() > 0  # the coarse map reaches the fine scale


def test_logits_per_scale_at_native_and_224(features):
    d = ProjectedDiscriminator(features, image_size=128)
    image = torch.rand(2, 3, 128, 128) * 2 - 1
    # maps 32, 16, 8, 4 -> 5x5, 5x5, 5x5 and 1x1 patch logits
    assert d(image, _gen(0)).shape == (2, 76)
    up = FeatureNetwork(EfficientNetLite0(), resolution=224)
    # maps 56, 28, 14, 7 -> 4x4 each
    assert ProjectedDiscriminator(up, image_size=128)(image, _gen(0)).shape == (2, 64)


def test_inputs_are_checked(features):
    d = ProjectedDiscriminator(features, image_size=64)
    with pytest.raises(ValueError, match="needs a torch.Generator"):
        d(torch.zeros(1, 3, 64, 64))
    with pytest.raises(ValueError, match=r"takes images \[B, 3, 64, 64\]"):
        d(torch.zeros(1, 3, 32, 32), _gen(0))
    with pytest.raises(ValueError, match="no attribute head"):
        d.attributes(torch.zeros(1, 3, 64, 64))
    with pytest.raises(ValueError, match="mix_channels has 2 entries"):
        ProjectedDiscriminator(features, mix_channels=(8, 8))


def test_the_same_views_give_the_same_logits(features):
    d = ProjectedDiscriminator(features, image_size=64).eval()
    image = torch.rand(3, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        a, b, c = d(image, _gen(5)), d(image, _gen(5)), d(image, _gen(6))
    assert torch.equal(a, b) and not torch.allclose(a, c)


def test_only_the_small_discriminators_learn_and_checkpoints_skip_the_backbone(features):
    torch.manual_seed(0)
    d = ProjectedDiscriminator(features, image_size=64, num_attributes=12)
    fixed = ("feature_network.", "projection.")
    frozen = {k: v.clone() for k, v in d.named_buffers() if k.startswith(fixed)}
    assert len(frozen) > 50
    state = {k: v.clone() for k, v in d.state_dict().items()}
    assert not any(k.startswith("feature_network") for k in state)
    assert {k.split(".")[0] for k, _ in d.named_parameters()} == {"scales", "attribute_head"}
    opt = torch.optim.Adam(d.requires_grad_(True).parameters(), lr=1e-2)
    image = torch.rand(4, 3, 64, 64) * 2 - 1
    real, attrs = d.classify(image, _gen(0))
    (real.mean() + attrs.mean()).backward()
    opt.step()
    after = dict(d.named_buffers())
    assert all(torch.equal(v, after[k]) for k, v in frozen.items())
    assert not torch.equal(
        state["scales.0.logits.parametrizations.weight.original"],
        d.state_dict()["scales.0.logits.parametrizations.weight.original"],
    )
    # a resumed run rebuilds the backbone and loads the rest strictly
    again = ProjectedDiscriminator(features, image_size=64, num_attributes=12)
    again.load_state_dict(d.state_dict())
    d.eval(), again.eval()
    with torch.no_grad():
        assert torch.allclose(d(image, _gen(1)), again(image, _gen(1)))


def test_the_generator_gets_gradients_through_the_frozen_features(features):
    d = ProjectedDiscriminator(features, image_size=64)
    fake = (torch.rand(2, 3, 64, 64) * 2 - 1).requires_grad_(True)
    losses.generator_adversarial(d(fake, _gen(0))).backward()
    assert fake.grad.abs().sum() > 0


def test_the_attribute_head_learns_from_real_labels(features):
    # attribute j: is colour channel j % 3 brighter than the image's mean; a head on the
    # pooled features learns it in a few steps
    torch.manual_seed(0)
    d = ProjectedDiscriminator(features, image_size=32, width=16, num_attributes=12)
    opt = torch.optim.Adam(d.parameters(), lr=3e-3)

    def batch(n: int):
        image = (torch.rand(n, 3, 1, 1) * 2 - 1).expand(n, 3, 32, 32).contiguous()
        image = image + 0.1 * torch.randn(n, 3, 32, 32)
        bright = (image.mean((2, 3)) > image.mean((1, 2, 3))[:, None]).float()
        return image, bright.repeat(1, 4)

    for _ in range(60):
        image, labels = batch(32)
        loss = losses.attribute_classification(d.attributes(image), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    image, labels = batch(256)
    with torch.no_grad():
        accuracy = ((d.attributes(image) > 0).float() == labels).float().mean()
    assert accuracy > 0.85


# --- losses on the features


def test_feature_matching_on_the_projected_discriminator(features):
    # eval: spectral norm's power iteration steps at every training-mode call
    d = ProjectedDiscriminator(features, image_size=64, norm="none").eval()
    target = torch.rand(2, 3, 64, 64) * 2 - 1
    image = (target + 0.3 * torch.randn_like(target)).requires_grad_(True)
    assert losses.feature_match(d.features, target, target) == 0
    loss = losses.feature_match(d.features, image, target)
    loss.backward()
    assert loss > 0 and image.grad.abs().sum() > 0


def test_perceptual_grows_with_the_difference_and_ignores_channel_scale(features):
    torch.manual_seed(0)
    target = torch.rand(4, 3, 64, 64) * 2 - 1
    near = target + 0.05 * torch.randn_like(target)
    far = target + 0.5 * torch.randn_like(target)
    assert feature_losses.perceptual(features, target, target) == 0
    assert (
        0
        < feature_losses.perceptual(features, near, target)
        < feature_losses.perceptual(features, far, target)
    )
    # each channel is measured in its own unit: scaling a channel changes nothing
    scale = torch.tensor([1.0, 5.0, 0.2]).view(1, 3, 1, 1)
    plain = feature_losses.perceptual(lambda x: [x], far, target)
    scaled = feature_losses.perceptual(lambda x: [x * scale], far, target)
    assert scaled.item() == pytest.approx(plain.item(), rel=1e-5)
    image = near.clone().requires_grad_(True)
    feature_losses.perceptual(features, image, target).backward()
    assert image.grad.abs().sum() > 0


def test_hinge_losses():
    real, fake = torch.full((2, 5), 2.0), torch.full((2, 5), -2.0)
    assert feature_losses.discriminator_hinge(real, fake) == 0
    assert feature_losses.discriminator_hinge(fake, real) == pytest.approx(6.0)
    assert feature_losses.generator_hinge(fake) == pytest.approx(2.0)
