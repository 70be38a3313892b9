"""SketchToFacePipeline: inputs of any size and mode, cached-code edits, swaps, save/load."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from s2fgan.constants import ATTRIBUTES
from s2fgan.data.sketch_input import MIN_INK_SHARE, EmptySketchError, empty_sketches
from s2fgan.pipelines import SketchToFacePipeline
from s2fgan.pipelines.png import save_generated_png


def _sketch(size=(200, 150), mode="L") -> Image.Image:
    array = np.full((size[1], size[0]), 255, np.uint8)
    array[40:110, 60:64] = 0  # a few dark strokes
    array[40:44, 60:140] = 0
    return Image.fromarray(array).convert(mode)


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "1"])
def test_any_size_and_mode(tiny_pipeline, mode):
    out = tiny_pipeline(sketch=_sketch(mode=mode))
    assert out.images[0].size == (64, 64) and out.images[0].mode == "RGB"
    assert out.masks[0].mode == "P" and np.asarray(out.masks[0]).max() < 13
    assert out.ws.shape == (1, 27, 16)
    assert set(out.attributes[0]) == set(ATTRIBUTES)


def test_batch_of_sketches(tiny_pipeline):
    out = tiny_pipeline(sketch=[_sketch(), _sketch((64, 64))])
    assert len(out.images) == 2 and out.ws.shape[0] == 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p(sketch=Image.new("L", (64, 64), 255)), "no strokes"),
        (lambda p: p(sketch=Image.new("L", (64, 64), 0)), "mostly ink"),
        (lambda p: p(sketch=Image.new("L", (64, 64), 255), prepare=False), "empty"),
        (lambda p: p(sketch=_sketch(), attributes={"Smile": 1.0}), "unknown"),
        (lambda p: p(sketch=_sketch(), attributes={"Smiling": 5.0}), "Smiling"),
        (lambda p: p(sketch=[]), "no sketch"),
    ],
)
def test_bad_input_gets_a_clear_error(tiny_pipeline, call, message):
    with pytest.raises(ValueError, match=message):
        call(tiny_pipeline)


def _ink_box(sketch: Image.Image) -> tuple[float, float, float, float]:
    ys, xs = np.nonzero(np.asarray(sketch) < 128)
    side = sketch.size[0]
    return xs.min() / side, ys.min() / side, (xs.max() + 1) / side, (ys.max() + 1) / side


def _corner_face(paper: int = 255, ink: int = 0) -> Image.Image:
    """A small oval face with dot eyes in the top-left corner of a 400 px page."""
    yy, xx = np.mgrid[:400, :400]
    r = np.hypot((xx - 70) / 40, (yy - 80) / 55)
    array = np.where(np.abs(r - 1) < 0.06, ink, paper).astype(np.uint8)
    for cx in (55, 85):
        array[(np.hypot(xx - cx, yy - 70) < 4)] = ink
    return Image.fromarray(array)


def test_a_drawing_in_a_corner_is_framed(tiny_pipeline):
    from s2fgan.data.sketch_input import INK_CENTER, INK_HEIGHT

    out = tiny_pipeline(sketch=_corner_face(paper=200, ink=90))  # grey paper, pencil strokes
    left, top, right, bottom = _ink_box(out.sketches[0])
    assert abs(bottom - top - INK_HEIGHT) < 0.06
    assert abs((left + right) / 2 - INK_CENTER[0]) < 0.04
    assert abs((top + bottom) / 2 - INK_CENTER[1]) < 0.04
    raw = tiny_pipeline(sketch=_corner_face(paper=200, ink=90), prepare=False)
    assert not torch.equal(raw.ws, out.ws)


def test_an_inverted_drawing_gives_the_same_portrait(tiny_pipeline):
    normal = tiny_pipeline(sketch=_corner_face())
    inverted = tiny_pipeline(sketch=_corner_face(paper=0, ink=255))
    assert torch.allclose(normal.ws, inverted.ws, atol=1e-4)


def test_corrupt_file_is_refused(tiny_pipeline, tmp_path):
    bad = tmp_path / "sketch.png"
    bad.write_bytes(b"not a png at all")
    with pytest.raises(ValueError, match="sketch.png"):
        tiny_pipeline(sketch=str(bad))


def test_edit_reuses_the_code_and_sets_strengths(tiny_pipeline, monkeypatch):
    out = tiny_pipeline(sketch=_sketch())
    calls = []
    monkeypatch.setattr(tiny_pipeline.sketch_encoder, "forward", lambda *a: calls.append(1) or None)
    edited = tiny_pipeline.edit(out, {"Smiling": 3.0, "Young": -2.0})
    assert not calls  # no re-encoding
    assert edited.attributes[0]["Smiling"] == pytest.approx(3.0, abs=1e-3)
    assert edited.attributes[0]["Young"] == pytest.approx(-2.0, abs=1e-3)
    assert not torch.equal(edited.ws, out.ws)


def test_swap_copies_exactly_the_chosen_slots(tiny_pipeline):
    face, donor = tiny_pipeline.random_face(1), tiny_pipeline.random_face(2)
    swapped = tiny_pipeline.swap_regions(face, donor, ["hair"], parts=["texture"])
    layout = tiny_pipeline.generator.layout
    slots = layout.slots(["hair"], ["texture"])
    others = [k for k in range(layout.num_ws) if k not in slots]
    assert torch.equal(swapped.ws[:, slots], donor.ws[:, slots])
    assert torch.equal(swapped.ws[:, others], face.ws[:, others])
    with pytest.raises(ValueError, match="unknown regions"):
        tiny_pipeline.swap_regions(face, donor, ["tail"])
    with pytest.raises(ValueError, match="parts"):
        tiny_pipeline.swap_regions(face, donor, ["hair"], parts=["colour"])


def test_random_face_is_fixed_by_its_seed(tiny_pipeline):
    a, b, c = (tiny_pipeline.random_face(s) for s in (5, 5, 6))
    assert torch.equal(a.ws, b.ws) and not torch.equal(a.ws, c.ws)
    with pytest.raises(ValueError, match="seed"):
        tiny_pipeline.random_face(-1)


def test_save_and_load_give_identical_outputs(tiny_pipeline, tmp_path):
    tiny_pipeline.save_pretrained(tmp_path / "pipe")
    index = json.loads((tmp_path / "pipe" / "model_index.json").read_text())
    assert index["_class_name"] == "SketchToFacePipeline"
    assert index["generator"][0].startswith("s2fgan") and index["generator"][1] == "RegionGenerator"
    loaded = SketchToFacePipeline.from_pretrained(tmp_path / "pipe")
    a = np.asarray(tiny_pipeline(sketch=_sketch()).images[0])
    b = np.asarray(loaded(sketch=_sketch()).images[0])
    assert np.array_equal(a, b)


def test_png_says_it_is_generated(tiny_pipeline, tmp_path):
    out = tiny_pipeline.random_face(3)
    path = save_generated_png(out.images[0], tmp_path / "face.png", seed=3)
    text = Image.open(path).text
    assert "s2fgan" in text["Software"] and "generated" in text["Comment"]
    assert json.loads(text["s2fgan"])["seed"] == 3


def test_a_result_saves_itself_with_the_apps_metadata(tiny_pipeline, tmp_path):
    out = tiny_pipeline.edit(tiny_pipeline.random_face(seed=3), {"Smiling": 2.0})
    path = out.save(tmp_path / "new" / "face.png", source="test")  # folders are made
    with Image.open(path) as png:
        meta = json.loads(png.text["s2fgan"])
        assert "Synthetic" in png.text["Comment"] and png.size == (64, 64)
    assert meta["seed"] == 3 and meta["source"] == "test"
    assert meta["attributes"]["Smiling"] == 2.0  # rounded, not 2.000000238418579
    assert all(v == round(v, 2) for v in meta["attributes"].values())
    assert Image.open(out.save(tmp_path / "big.png", size=256)).size == (256, 256)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_loading_runs_every_operation(tiny_styled_pipeline, tmp_path, dtype):
    """`from_pretrained(..., dtype=torch.float16)` (CUDA's usual way) runs every operation;
    on this CPU too, so a dtype mismatch shows without a GPU. The grid of the Fourier features
    is no saved weight and once stayed float32 beside fp16 weights."""
    tiny_styled_pipeline.save_pretrained(tmp_path / "pipe")
    half = SketchToFacePipeline.from_pretrained(tmp_path / "pipe", dtype=dtype)
    assert half.generator.dtype == dtype
    full, low = tiny_styled_pipeline(_sketch(), style=1), half(_sketch(), style=1)
    gap = np.abs(np.asarray(full.images[0], float) - np.asarray(low.images[0], float)).mean()
    assert gap < 3.0  # mean over pixels of 0..255 levels
    photo = Image.new("RGB", (90, 70), (180, 140, 120))
    donor = half.from_photo(photo)
    for out in (
        half.edit(low, {"Smiling": 3}),
        half.swap_regions(low, donor, ["hair"]),
        half.random_face(2),
        half.restyle(low, 2),
    ):
        assert out.images[0].mode == "RGB" and out.images[0].size == (64, 64)
        assert np.isfinite(out.ws.float().numpy()).all()


def test_the_pipeline_refuses_what_sketch_input_calls_empty(tiny_pipeline):
    """encode_sketch and prepare_sketch share `empty_sketches`: a sketch one ink pixel short
    of the rule is refused by both, one at it passes both."""
    side = tiny_pipeline.resolution
    least = int(MIN_INK_SHARE * side * side) + 1
    pages = torch.ones(2, 1, side * side)
    pages[0, 0, : least - 1] = 0
    pages[1, 0, :least] = 0
    pages = pages.view(2, 1, side, side)
    assert empty_sketches(pages[:, 0]).tolist() == [True, False]
    assert tiny_pipeline.encode_sketch(pages[1:]).shape[0] == 1
    with pytest.raises(EmptySketchError, match="sketch 0 is empty"):
        tiny_pipeline.encode_sketch(pages)
