"""The app's actions called directly, on a tiny untrained pipeline."""

import json

import gradio as gr
import numpy as np
import pytest
import torch
from drawings import pad, png_data_url, strokes  # noqa: E402  (tests/app is on sys.path)
from PIL import Image

from s2fgan.app.examples import FOLDER
from s2fgan.app.handlers import Handlers, Session
from s2fgan.app.loading import gpu
from s2fgan.constants import ATTRIBUTES, REGIONS
from s2fgan.pipelines.loading import resolve_model


@pytest.fixture
def h(app_pipeline):
    return Handlers(app_pipeline)


@pytest.fixture
def drawn(h):
    return h.from_canvas(pad(), None)


def test_canvas_gives_portrait_sliders_and_a_labelled_png(drawn):
    image, session, download, *sliders = drawn
    assert image.size == (256, 256) and isinstance(session, Session)
    assert len(sliders) == len(ATTRIBUTES) and all(-4 <= v <= 4 for v in sliders)
    own = session.face.attributes[0]
    assert sliders[0] == pytest.approx(max(-4, min(4, own[ATTRIBUTES[0]])), abs=0.051)
    with Image.open(download) as png:
        meta = json.loads(png.text["s2fgan"])
        assert "s2fgan" in png.text["Software"] and "Synthetic" in png.text["Comment"]
    assert meta["source"] == "canvas" and set(meta["attributes"]) == set(ATTRIBUTES)


def test_the_sketch_as_received_is_framed_and_shown(h):
    small = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    small.paste(strokes(), (0, 0))  # the drawing fills only the top-left third of the canvas
    _, session, *_ = h.from_canvas(pad(small), None)
    received = h.received_sketch(session)
    assert received is session.face.sketches[0] and received.mode == "L"
    ys, xs = np.nonzero(np.asarray(received) < 128)
    side = received.size[0]
    assert (ys.max() - ys.min()) / side > 0.5  # scaled up from a third of the page
    assert abs((xs.max() + xs.min()) / 2 / side - 0.5) < 0.05  # and centred
    assert h.received_sketch(None) is None


@pytest.mark.parametrize(
    "canvas, message",
    [
        (None, "canvas is empty"),
        ("", "canvas is empty"),
        (pad(Image.new("RGBA", (200, 200), (0, 0, 0, 0))), "no strokes"),
        (pad(Image.new("RGB", (200, 200), "black")), "mostly ink"),
        (Image.new("RGB", (200, 200), "black"), "mostly ink"),  # a picture from Python
        (png_data_url(b"\x89PNG\r\n\x1a\n truncated"), "cannot read the canvas: the file is"),
        ("data:image/png;base64,@@@", "cannot read the canvas"),
        ("https://example.com/face.png", "cannot read the canvas"),
        ({"composite": None}, "The canvas must be a PNG data URL"),
    ],
)
def test_empty_canvas_is_a_clear_error(h, canvas, message):
    with pytest.raises(gr.Error, match=message):
        h.from_canvas(canvas, None)


def test_slider_edit_rerenders_from_the_cached_code(h, drawn):
    image, session, _, *sliders = drawn
    code = session.base.ws.clone()
    calls = []
    h._encode_sketch = lambda *a: calls.append(a)  # a slider must never re-encode
    name = "Smiling"
    moved = list(sliders)
    moved[ATTRIBUTES.index(name)] = 3.5
    edited, session, _ = h.edit(session, False, False, *moved)
    assert not calls and session.edits == {name: 3.5}
    assert session.face.attributes[0][name] == pytest.approx(3.5, abs=1e-3)
    assert (session.base.ws == code).all()
    assert not np.array_equal(np.asarray(edited), np.asarray(image))
    image_back, session, _, *back = h.reset(session)
    assert back == sliders and session.face is session.base
    assert np.array_equal(np.asarray(image_back), np.asarray(image))


def test_untouched_sliders_do_not_move_the_code(h, drawn):
    image, session, _, *sliders = drawn
    again, session, _ = h.edit(session, False, False, *sliders)
    assert session.edits == {} and np.array_equal(np.asarray(again), np.asarray(image))


def test_actions_before_a_portrait_exists_say_what_to_do(h):
    with pytest.raises(gr.Error, match="Make a portrait first"):
        h.edit(None, False, False, *[0.0] * 12)
    with pytest.raises(gr.Error, match="Make a portrait first"):
        h.swap(Session(), ["hair"], "shape and texture")


def test_uploads_of_any_mode_work_and_bad_files_are_refused(h, tmp_path):
    for mode in ("RGBA", "RGB", "L"):
        path = tmp_path / f"sketch_{mode}.png"
        strokes(mode="RGB").convert(mode).save(path)
        image, session, *_ = h.from_sketch_file(str(path), None)
        assert image.size == (256, 256) and session.source == "sketch upload"
    corrupt = tmp_path / "broken.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    with pytest.raises(gr.Error, match=r"cannot read the sketch \(broken\.png\): the file is"):
        h.from_sketch_file(str(corrupt), None)
    huge = tmp_path / "huge.png"
    Image.new("L", (5000, 20), 255).save(huge)
    with pytest.raises(gr.Error, match="at most 4096 px"):
        h.from_sketch_file(str(huge), None)
    heavy = tmp_path / "heavy.png"
    heavy.write_bytes(b"\0" * (11 * 2**20))
    with pytest.raises(gr.Error, match="at most 10 MB"):
        h.from_sketch_file(str(heavy), None)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (100, 100), "white").save(blank)
    with pytest.raises(gr.Error, match="empty"):
        h.from_sketch_file(str(blank), None)


def test_photo_is_shown_as_its_line_drawing_then_generated(h):
    photo_path = next(FOLDER.glob("photo_*.png"))  # the examples ship a photo too
    drawing, image, session, *_ = h.from_photo_file(str(photo_path), None)
    assert drawing.mode == "L" and drawing.size == Image.open(photo_path).size
    # the overlay shows the line drawing as the encoder received it (cleaned and framed)
    assert session.source == "photo upload" and session.sketch is session.face.sketches[0]
    assert image.size == (256, 256)


def test_swap_takes_only_the_chosen_regions_codes(h, drawn, app_pipeline):
    _, session, *_ = drawn
    view, session = h.donor_from_seed(7, session)
    assert view.size == (256, 256) and session.donor.seed == 7
    before = session.base.ws.clone()
    image, session, _, *sliders = h.swap(session, ["hair"], "texture")
    slots = app_pipeline.generator.layout.slots(["hair"], ["texture"])
    changed = (session.base.ws != before).any(-1)[0].nonzero().flatten().tolist()
    assert changed == list(slots)
    assert (session.base.ws[0, slots] == session.donor.ws[0, slots]).all()


def test_swap_and_donor_errors(h, drawn):
    _, session, *_ = drawn
    with pytest.raises(gr.Error, match="Choose a donor"):
        h.swap(session, ["hair"], "shape")
    h.donor_from_seed(1, session)
    with pytest.raises(gr.Error, match="at least one region"):
        h.swap(session, [], "shape")
    with pytest.raises(gr.Error, match="Unknown region"):
        h.swap(session, ["tail"], "shape")
    with pytest.raises(gr.Error, match="whole number"):
        h.donor_from_seed("abc", session)
    for bad in (-3, 2.5, 1e20, None, float("nan")):
        with pytest.raises(gr.Error, match=r"donor seed must be a whole number in 0\.\.2147483647"):
            h.donor_from_seed(bad, session)
    assert 0 <= h.roll() < 2**31


def test_overlays_change_the_view_not_the_face(h, drawn):
    plain, session, *_ = drawn
    masked = h.view(session, show_mask=True)
    sketched = h.view(session, show_sketch=True)
    assert not np.array_equal(np.asarray(masked), np.asarray(plain))
    assert not np.array_equal(np.asarray(sketched), np.asarray(plain))
    assert np.array_equal(np.asarray(h.view(session)), np.asarray(plain))


def test_model_choice_and_gpu_wrapper(monkeypatch):
    monkeypatch.setenv("S2FGAN_MODEL", "org/model")
    assert resolve_model() == "org/model" and resolve_model("folder") == "folder"
    monkeypatch.delenv("S2FGAN_MODEL")
    assert resolve_model().endswith("s2fgan-synth-128")

    def f():
        return 1

    assert gpu(f)() == 1


def test_colour_style_recolours_the_portrait_and_keeps_slider_edits(tiny_styled_pipeline):
    h = Handlers(tiny_styled_pipeline)
    _, session, *_ = h.from_canvas(pad(), None, style=2)
    assert session.style == 2 and session.face.style == 2 and session.face.seed is None
    values = [
        3.0 if name == "Smiling" else v
        for name, v in zip(ATTRIBUTES, h.sliders(session), strict=True)
    ]
    h.edit(session, False, False, *values)
    before = session.base.ws.clone()
    _, session, download, *sliders = h.restyle(7.0, session)
    assert session.style == 7 and not torch.equal(session.base.ws, before)
    assert session.face.attributes[0]["Smiling"] == pytest.approx(3.0, abs=1e-3)
    assert sliders[ATTRIBUTES.index("Smiling")] == pytest.approx(3.0)
    with Image.open(download) as png:
        assert json.loads(png.text["s2fgan"])["style"] == 7


def test_new_colours_draws_a_style_and_repaints_in_one_call(tiny_styled_pipeline, monkeypatch):
    h = Handlers(tiny_styled_pipeline)
    with pytest.raises(gr.Error, match="portrait"):  # nothing to repaint yet, no seed shown
        h.new_colours(None)
    _, session, *_ = h.from_canvas(pad(), None)
    monkeypatch.setattr(h, "roll", lambda: 5)
    seed, image, session, download, *sliders = h.new_colours(session)
    assert seed == 5 and session.style == 5 and session.face.style == 5
    assert len(sliders) == len(ATTRIBUTES) and image.mode == "RGB"


def test_new_colours_draws_again_when_the_picture_would_not_change(h, drawn, monkeypatch):
    # Seeds share the bank's styles, and a random donor is a bank portrait: a face that took
    # all its regions from donor seed 4 (portrait 0) wears style 0 already, so colour style 0
    # repaints nothing. The browser test hit this with hair only (stops 25 and 27).
    session = drawn[1]
    _, session = h.donor_from_seed(4, session)
    taken = np.asarray(h.swap(session, list(REGIONS), "shape and texture")[0])
    assert np.array_equal(np.asarray(h.restyle(8, session)[0]), taken)
    seeds = iter([0, 12, 1])  # two more of style 0, then style 1
    monkeypatch.setattr(h, "roll", lambda: next(seeds))
    seed, image, session, *_ = h.new_colours(session)
    assert seed == 1 and session.style == 1 and not np.array_equal(np.asarray(image), taken)


@pytest.mark.parametrize(
    ("style", "message"),
    [(None, "colour style must be a whole number"), (-2, "0.."), (1.5, "whole")],
)
def test_a_bad_colour_style_is_a_clear_error(tiny_styled_pipeline, style, message):
    h = Handlers(tiny_styled_pipeline)
    _, session, *_ = h.from_canvas(pad(), None)
    assert session.style is None
    with pytest.raises(gr.Error, match=message):
        h.restyle(style, session)
    with pytest.raises(gr.Error, match="Make a portrait first"):
        h.restyle(1, None)
