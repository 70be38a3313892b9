"""`s2fgan eval DIR` scores a saved pipeline through the pipeline's own tensor-level API: what
the adapter returns is what the PIL methods give users, pixel for pixel."""

import json

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from s2fgan.cli import main
from s2fgan.data.image_io import image_to_tensor, image_to_uint8, sketch_to_tensor, tensor_to_pil
from s2fgan.data.sketch_input import prepare_sketch
from s2fgan.evaluation.commands import load_evaluators
from s2fgan.evaluation.evaluate import EvalConfig, evaluate
from s2fgan.evaluation.pipeline_model import PipelineModel


def _sketch() -> Image.Image:
    image = Image.new("L", (64, 64), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((14, 8, 50, 56), outline=0, width=2)
    draw.line((24, 42, 40, 42), fill=0, width=2)
    return image


def _photo() -> Image.Image:
    pixels = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def _pixels(images: torch.Tensor) -> np.ndarray:
    return image_to_uint8(images)[0]


def test_adapter_edit_and_swap_give_the_pipelines_pictures(tiny_pipeline):
    pipe, model = tiny_pipeline, PipelineModel(tiny_pipeline, 64)
    # the PIL path prepares the sketch (cleaned and framed) before the tensor-level encoder
    code = model.encode_sketch(prepare_sketch(_sketch(), pipe.resolution))
    donor = model.encode_image(image_to_tensor(_photo())[None])
    face = pipe(_sketch())
    assert np.array_equal(_pixels(model.synthesize(code)), np.asarray(face.images[0]))

    edited = model.synthesize(model.edit(code, {"Smiling": 3.0, "Young": -2.0}))
    expected = pipe.edit(face, {"Smiling": 3.0, "Young": -2.0}).images[0]
    assert np.array_equal(_pixels(edited), np.asarray(expected))

    swapped = _pixels(model.synthesize(model.swap(code, donor, ["hair", "background"])))
    expected = pipe.swap_regions(face, pipe.from_photo(_photo()), ["hair", "background"])
    assert np.array_equal(swapped, np.asarray(expected.images[0]))
    assert not np.array_equal(swapped, np.asarray(face.images[0]))  # the swap did something


def test_adapter_style_gives_the_pipelines_styled_picture(tiny_styled_pipeline):
    pipe, model = tiny_styled_pipeline, PipelineModel(tiny_styled_pipeline, 64)
    assert model.styles
    code = model.encode_sketch(prepare_sketch(_sketch(), pipe.resolution))
    styled = _pixels(model.synthesize(model.style(code, [5])))
    assert np.array_equal(styled, np.asarray(pipe(_sketch(), style=5).images[0]))
    assert not np.array_equal(styled, np.asarray(pipe(_sketch()).images[0]))


def test_adapter_resizes_to_the_evaluations_resolution(tiny_pipeline):
    code = PipelineModel(tiny_pipeline, 64).encode_sketch(sketch_to_tensor(_sketch())[None])
    assert PipelineModel(tiny_pipeline, 32).synthesize(code).shape == (1, 3, 32, 32)
    with pytest.raises(ValueError, match="sketch 0 is empty"):
        PipelineModel(tiny_pipeline, 64).encode_sketch(torch.ones(1, 1, 64, 64))


def test_eval_of_a_saved_folder_gives_the_figures_of_the_live_pipeline(tiny_pipeline, tmp_path):
    tiny_pipeline.save_pretrained(tmp_path / "pipe")
    out = tmp_path / "results.json"
    argv = ["eval", str(tmp_path / "pipe"), "--out", str(out), "--num", "8"]
    argv += ["--num-edit", "4", "--num-swap", "4", "--num-style", "4"]
    assert main(argv) == 0
    figures = json.loads(out.read_text())["figures"]
    config = EvalConfig(num_portraits=8, num_edit=4, num_swap=4, num_style=4)
    live, _ = evaluate(
        PipelineModel(tiny_pipeline, 128), *load_evaluators(), config, progress=False
    )
    assert figures == json.loads(json.dumps(live["figures"]))
    assert set(figures["swap_effect"]) == {"hair", "eyes", "mouth", "background"}
    assert "fd_styled" in figures  # without a StyleBank, the mapping network colours seeds
    # the mapping network's faces are scored against the same held-out photos as `fd`
    assert figures["fd_random"] > 0 and figures["fd_random"] != figures["fd"]


def test_random_faces_of_the_mapping_network_are_fixed_by_their_seeds(tiny_pipeline):
    ws = tiny_pipeline.random_ws([3, 4])
    assert torch.equal(ws[1:], tiny_pipeline.random_ws([4]))
    face = np.asarray(tiny_pipeline.random_face(4).images[0]).astype(int)
    rendered = np.asarray(tensor_to_pil(tiny_pipeline.render(ws[1:]).images[0].cpu()))
    assert np.abs(face - rendered.astype(int)).max() <= 1


def test_a_pipeline_with_styles_is_also_scored_in_its_styles(tiny_styled_pipeline, tmp_path):
    tiny_styled_pipeline.save_pretrained(tmp_path / "pipe")
    out = tmp_path / "results.json"
    argv = ["eval", str(tmp_path / "pipe"), "--out", str(out), "--num", "8"]
    argv += ["--num-edit", "4", "--num-swap", "4", "--num-style", "4"]
    argv += ["--plots", str(tmp_path / "plots")]
    assert main(argv) == 0
    results = json.loads(out.read_text())
    # Styling changes the faces, so their distance to the held-out portraits changes too.
    assert results["figures"]["fd_styled"] != results["figures"]["fd"]
    assert results["samples"]["fd_styled"] == [4, 4]
    with Image.open(tmp_path / "plots" / "examples.png") as grid:
        # sketch, face, segmentation, style i, 6 edits, 4 swaps
        assert grid.width == 128 * 14
    with Image.open(tmp_path / "plots" / "styles.png") as grid:
        assert grid.height == 128 * len(results["figures"]["sketch_miou_style"])


def test_eval_refuses_a_folder_without_a_pipeline(tmp_path, capsys):
    assert main(["eval", str(tmp_path), "--out", str(tmp_path / "r.json")]) == 1
    assert "model_index.json" in capsys.readouterr().err
