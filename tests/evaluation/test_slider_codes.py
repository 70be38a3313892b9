"""benchmarks/slider_codes.py: its edits of the sketch's own code score what `s2fgan eval`
scores, and its other code kinds keep the sketch's layout or the photo's code."""

import importlib.util
from pathlib import Path

import torch

from s2fgan.constants import ATTRIBUTES
from s2fgan.evaluation.commands import load_evaluators
from s2fgan.evaluation.evaluate import EvalConfig, evaluate, heldout_portraits
from s2fgan.evaluation.pipeline_model import PipelineModel
from s2fgan.models.latent_layout import LatentLayout

ROOT = Path(__file__).resolve().parents[2]


def _slider_codes():
    spec = importlib.util.spec_from_file_location(
        "slider_codes", ROOT / "benchmarks/slider_codes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sketch_codes_score_as_the_evaluation_and_the_kinds_differ_in_textures(tiny_pipeline):
    slider_codes = _slider_codes()
    config = EvalConfig(num_portraits=4, num_edit=4, num_swap=2, num_style=0)
    model = PipelineModel(tiny_pipeline, config.resolution)
    classifier, segmenter = load_evaluators()
    data = heldout_portraits(config)
    names = list(ATTRIBUTES[:2])
    table = slider_codes.slider_table(model, classifier, data, names, [config.strength])
    results, _ = evaluate(model, classifier, segmenter, config, progress=False)
    for name in names:
        on, off = table[name]["sketch"][config.strength]
        assert on == results["figures"]["attr_success_on"][name]
        assert off == results["figures"]["attr_success_off"][name]
        assert set(table[name]) == {"sketch", "sketch+photo", "photo"}

    kinds = slider_codes.codes(model, data.sketch, data.image)
    layout = LatentLayout(tiny_pipeline.generator.config.num_regions)
    shape = [0] + [layout.shape_slot(k) for k in range(layout.num_regions)]
    assert torch.equal(kinds["sketch+photo"][:, shape], kinds["sketch"][:, shape])
    assert not torch.equal(kinds["sketch+photo"], kinds["sketch"])
    assert torch.equal(kinds["photo"], model.encode_image(data.image))
