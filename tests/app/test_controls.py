"""Controls and bad input, called as the browser and the API call them: defaults, sliders,
examples, downloads and their metadata, refusals with messages, files and sessions freed."""

import json
import re
import struct
import tempfile
import zlib
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
from drawings import pad, strokes  # tests/app is on sys.path
from PIL import Image, ImageFile

from s2fgan.app.drawing_pad import data_url
from s2fgan.app.examples import example_paths
from s2fgan.app.handlers import Handlers
from s2fgan.constants import ATTRIBUTES


@pytest.fixture
def h(app_pipeline):
    return Handlers(app_pipeline)


@pytest.fixture
def drawn(h):
    return h.from_canvas(pad(), None)


def skipped(output) -> bool:
    return output == gr.skip()


def metadata(path) -> dict:
    with Image.open(path) as png:
        return json.loads(png.text["s2fgan"])


def test_the_download_is_the_shown_size_and_says_only_what_happened(h, drawn):
    image, session, download, *_ = drawn
    assert Image.open(download).size == image.size == (256, 256)
    meta = metadata(download)
    assert meta["source"] == "canvas" and meta["model_resolution"] == 64
    assert "swaps" not in meta and "donor" not in json.dumps(meta)
    # strengths as the page shows them: rounded, not float32 noise like 2.000000238418579
    assert all(v == round(v, 2) for v in meta["attributes"].values())
    values = [
        2.0 if n == "Smiling" else v for n, v in zip(ATTRIBUTES, h.sliders(session), strict=True)
    ]
    _, session, download = h.edit(session, False, False, *values)
    assert metadata(download)["attributes"]["Smiling"] == 2.0
    h.donor_from_seed(7, session)  # a donor chosen but not used: not named
    assert "donor" not in json.dumps(metadata(h.download(session)))
    *_, download, _ = h.swap(session, ["hair"], "texture")[:4]
    swaps = metadata(download)["swaps"]
    assert swaps == [{"donor": "random seed 7", "regions": ["hair"], "parts": ["texture"]}]
    _, session, download, *_ = h.from_canvas(pad(), session)
    assert "swaps" not in metadata(download)  # a new face carries no old donor


def test_an_example_click_fills_the_canvas_and_is_recorded_as_an_example(h):
    canvas, image, session, download, *sliders = h.from_example(2, None)
    assert canvas == data_url(example_paths()[2]) and image.size == (256, 256)
    assert metadata(download)["source"] == f"example {Path(example_paths()[2]).name}"
    again = h.from_example(2, session)  # the same example twice renders twice
    assert again[0] == canvas and again[2] is session
    with pytest.raises(gr.Error, match="No example 99"):
        h.from_example(99, session)


def with_strength(h, session, name, value) -> list:
    """The 12 slider values shown, with `name` set to `value`."""
    values = list(h.sliders(session))
    values[ATTRIBUTES.index(name)] = value
    return values


def _slide(h, session, name, value, blank_resets=False):
    values = [session.edits.get(n, v) for n, v in zip(ATTRIBUTES, h.sliders(session), strict=True)]
    values[ATTRIBUTES.index(name)] = value
    return h.slide(name, blank_resets, session, False, False, *values)


def test_a_typed_out_of_range_strength_is_clamped_in_picture_and_box(h, drawn):
    session = drawn[1]
    image, session, _, box = _slide(h, session, "Smiling", 7)
    assert box == 4.0  # the box is told the value the picture uses
    assert session.edits["Smiling"] == 4.0
    assert session.face.attributes[0]["Smiling"] == pytest.approx(4.0, abs=1e-3)
    image, session, _, box = _slide(h, session, "Smiling", -2.5)
    assert skipped(box)  # the box shows -2.5 already
    assert session.face.attributes[0]["Smiling"] == pytest.approx(-2.5, abs=1e-3)
    # the same values again (a release after a drag) render nothing new
    assert all(skipped(x) for x in _slide(h, session, "Smiling", -2.5)[:3])


def test_a_sliders_reset_button_returns_to_the_faces_own_value(h, drawn):
    session = drawn[1]
    own = h.sliders(session)[ATTRIBUTES.index("Young")]
    _slide(h, session, "Young", 3.0)
    assert session.edits == {"Young": 3.0}
    # its reset button sends a blank with a release: back to the face's own value
    image, session, _, box = _slide(h, session, "Young", None, blank_resets=True)
    assert box == own and session.edits == {} and session.face is not None
    # a blank while the box is being typed into (an input) changes nothing
    assert all(skipped(x) for x in _slide(h, session, "Young", None))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([0.0] * 3, "Give all 12 slider strengths"),
        (["abc"] + [0.0] * 11, "The Smiling strength must be a number, got 'abc'"),
        ([0.0, None] + [0.0] * 10, "No value for the Male slider"),
        ([0.0] * 11 + [float("inf")], "Chubby strength must be a finite number"),
    ],
)
def test_edit_refuses_missing_and_non_numbers_by_name(h, drawn, values, message):
    with pytest.raises(gr.Error, match=message):
        h.edit(drawn[1], False, False, *values)


def test_user_errors_are_not_printed_as_tracebacks(h):
    with pytest.raises(gr.Error) as caught:
        h.donor_from_seed("abc", None)
    assert caught.value.print_exception is False


def test_one_size_check_for_library_and_app(h, app_pipeline, tmp_path):
    tiny = tmp_path / "tiny.png"
    Image.new("L", (1, 1), 0).save(tiny)
    with pytest.raises(ValueError, match="the sketch is only 1x1 pixels; give at least 16 px"):
        app_pipeline(Image.open(tiny))
    with pytest.raises(ValueError, match="the sketch is only 1x1 pixels; give at least 16 px"):
        app_pipeline(Image.open(tiny), prepare=False)
    with pytest.raises(ValueError, match="the photo is only 1x1 pixels"):
        app_pipeline.from_photo(Image.open(tiny))
    with pytest.raises(gr.Error, match="the sketch is only 1x1 pixels; give at least 16 px"):
        h.from_sketch_file(str(tiny), None)


def _png_header(path: Path, width: int, height: int) -> None:
    """A PNG that declares width x height pixels and holds none (a few dozen bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_huge_image_is_refused_from_its_header_before_decoding(h, tmp_path, monkeypatch):
    huge = tmp_path / "huge.png"
    _png_header(huge, 13000, 13000)
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))
    with pytest.raises(gr.Error, match="13000x13000 pixels; give at most 4096 px a side"):
        h.from_sketch_file(str(huge), None)
    with pytest.raises(gr.Error, match="13000x13000"):
        h.donor_from_photo(str(huge), None)
    assert decoded == []


def test_black_pictures_are_refused_everywhere(h, tmp_path):
    black = tmp_path / "black.png"
    Image.new("RGB", (200, 200), "black").save(black)
    with pytest.raises(gr.Error, match="mostly ink"):
        h.from_canvas(pad(Image.open(black)), None)
    with pytest.raises(gr.Error, match="mostly ink"):
        h.from_sketch_file(str(black), None)
    with pytest.raises(gr.Error, match="mostly ink"):
        h.donor_from_sketch(str(black), None)
    # a one-colour photo is named as a photo, not as a sketch without strokes
    with pytest.raises(gr.Error, match="the photo has no lines to draw from \\(one flat colour"):
        h.from_photo_file(str(black), None)  # its line drawing is blank
    with pytest.raises(gr.Error, match="the photo is one flat colour"):
        h.donor_from_photo(str(black), None)


def test_events_write_no_new_temp_folders_and_sessions_free_their_file(h, drawn):
    session = drawn[1]
    before = set(Path(tempfile.gettempdir()).iterdir())
    for value in (1.0, 2.0, 3.0):
        _slide(h, session, "Smiling", value)
    h.donor_from_seed(3, session)
    h.swap(session, ["hair"], "shape")
    assert set(Path(tempfile.gettempdir()).iterdir()) - before == set()
    assert h.downloads.count() == 1  # one file for the session, rewritten in place
    h.forget(session)
    assert h.downloads.count() == 0
    # a request still using the forgotten session ends normally, and writes its file again
    image, session, download, *_ = h.reset(session)
    assert image.size == (256, 256) and h.downloads.count() == 1


def drawing(layer: Image.Image, background=None) -> str:
    """The drawing pad's value: the user's strokes over an optional picture put on the pad."""
    if background is not None:
        page = background.convert("RGBA")
        page.alpha_composite(layer)
        layer = page
    return pad(layer)


def test_live_drawing_follows_the_canvas_and_keeps_edits_and_swaps(h):
    # nothing drawn yet, everything cleared or undone, or "live" off: nothing changes, and no
    # error interrupts the drawing
    for canvas, on in [
        (None, True),
        ("", True),
        (drawing(Image.new("RGBA", (200, 200), (0, 0, 0, 0))), True),
        (drawing(strokes()), False),
    ]:
        assert all(skipped(x) for x in h.live(canvas, on, None))
    image, session, *_ = h.live(drawing(strokes()), True, None)
    assert session.source == "live canvas"
    h.edit(session, False, False, *with_strength(h, session, "Smiling", 3.0))
    h.donor_from_seed(5, session)
    h.swap(session, ["hair"], "texture")
    more = strokes()
    more.paste((0, 0, 0, 255), (60, 130, 140, 134))  # one more stroke: a mouth
    after, session, *sliders = h.live(drawing(more), True, session)
    assert session.edits == {"Smiling": 3.0} and len(session.swaps) == 1
    assert session.face.attributes[0]["Smiling"] == pytest.approx(3.0, abs=1e-3)
    assert not np.array_equal(np.asarray(after), np.asarray(image))
    # strokes over an example follow it too
    example = Image.open(example_paths()[0])
    _, session, *_ = h.live(drawing(more, background=example), True, session)
    assert session.source == "live canvas"
    with pytest.raises(gr.Error, match="mostly ink"):  # a black canvas still says why
        h.live(drawing(Image.new("RGBA", (200, 200), "black")), True, session)
    with pytest.raises(gr.Error, match="cannot read the canvas"):  # and a damaged one
        h.live("data:image/png;base64,iVBORw0KGgo=", True, session)


def test_a_donor_seed_typed_without_enter_is_the_donor_of_the_swap(h, drawn, tmp_path):
    session = drawn[1]
    h.donor_from_seed(1, session)  # the page's load picks donor seed 1
    *rendered, view = h.swap_from_page(session, ["hair"], "texture", False, False, 9)
    assert session.donor.seed == 9 and session.swaps[-1].source == "random seed 9"
    assert view.size == (256, 256)
    # the same box again: no new donor
    *_, view = h.swap_from_page(session, ["hair"], "shape", False, False, 9)
    assert skipped(view) and session.swaps[-1].source == "random seed 9"
    # a donor uploaded after the seed was typed is the donor, until the box changes again
    sketch = tmp_path / "donor.png"
    strokes(mode="RGB").save(sketch)
    h.donor_from_sketch(str(sketch), session, 9)
    h.swap_from_page(session, ["hair"], "texture", False, False, 9)
    assert session.swaps[-1].source == "sketch upload"
    h.swap_from_page(session, ["hair"], "texture", False, False, 12)
    assert session.swaps[-1].source == "random seed 12"
    with pytest.raises(gr.Error, match="donor seed must be a whole number"):
        h.swap_from_page(session, ["hair"], "texture", False, False, "12x")


def test_regions_may_be_one_name(h, drawn):
    session = drawn[1]
    h.donor_from_seed(3, session)
    h.swap(session, "hair", "texture")
    assert session.swaps[-1].regions == ["hair"]
    for regions, message in [
        ("tail", "Unknown region 'tail'"),
        (["hair", "h"], "Unknown region 'h'"),
        (5, "Regions must be a list of region names"),
        ([], "Tick at least one region"),
    ]:
        with pytest.raises(gr.Error, match=message):
            h.swap(session, regions, "texture")


def test_a_failed_render_marks_no_output_and_its_message_goes(app_pipeline):
    from s2fgan.app import build_demo
    from s2fgan.app.inputs import MESSAGE_SECONDS, user_error

    # gradio marks every output of a failed event "Error" until the next success, unless the
    # event shows no progress; the message is the toast, which goes after MESSAGE_SECONDS
    demo = build_demo(app_pipeline)
    result = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "result")
    renders = [fn for fn in demo.fns.values() if result in fn.outputs]
    assert len(renders) > 20  # draw, live, example, uploads, 24 slider events, swap...
    assert {fn.show_progress for fn in renders} == {"hidden"}
    assert user_error("x").duration == MESSAGE_SECONDS <= 8


def test_downloads_never_say_minus_zero(h, drawn, tmp_path):
    face = drawn[1].face
    face.attributes[0] = {**face.attributes[0], "Smiling": -0.004, "Male": -1e-9}
    path = face.save(tmp_path / "face.png")
    with Image.open(path) as png:
        text = png.text["s2fgan"]
    assert re.search(r"-0\.0(?![0-9])", text) is None  # -0.06 is fine, -0.0 is not
    assert json.loads(text)["attributes"]["Smiling"] == 0.0


def test_renders_share_one_worker_pool_and_uploads_have_their_own(app_pipeline):
    from s2fgan.app import build_demo

    demo = build_demo(app_pipeline)
    groups = {}
    for fn in demo.fns.values():
        if fn.api_name in ("draw", "live", "example", "edit", "swap", "colours", "donor_seed"):
            groups.setdefault("render", set()).add((fn.concurrency_id, fn.concurrency_limit))
        if fn.api_name in ("sketch", "photo", "donor_sketch", "donor_photo"):
            groups.setdefault("upload", set()).add((fn.concurrency_id, fn.concurrency_limit))
    assert groups == {"render": {("render", "default")}, "upload": {("upload", 1)}}
