"""One size cap, read from the header before decoding, and one message for a damaged file, for
every way a picture enters: the canvas, each upload, the library and the command line."""

import io
import struct
import zlib

import gradio as gr
import pytest
from drawings import pad, png_data_url, strokes  # tests/app is on sys.path
from PIL import Image, ImageFile

from s2fgan.app.handlers import Handlers
from s2fgan.app.images import MAX_FILE_BYTES
from s2fgan.cli import main as cli
from s2fgan.data.sketch_input import prepare_sketch


@pytest.fixture
def h(app_pipeline):
    return Handlers(app_pipeline)


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares width x height pixels and holds none (a few dozen bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def truncated_png() -> bytes:
    buffer = io.BytesIO()
    strokes(256, "RGB").save(buffer, format="PNG")
    return buffer.getvalue()[:200]


def routes(h, tmp_path, data: bytes):
    """(name, call) for each way the picture `data` can enter, each raising its message."""
    path = tmp_path / "picture.png"
    path.write_bytes(data)
    p = str(path)
    return {
        "canvas": lambda: h.from_canvas(png_data_url(data), None),
        "live canvas": lambda: h.live(png_data_url(data), True, None),
        "sketch": lambda: h.from_sketch_file(p, None),
        "photo": lambda: h.from_photo_file(p, None),
        "donor sketch": lambda: h.donor_from_sketch(p, None),
        "donor photo": lambda: h.donor_from_photo(p, None),
        "library": lambda: prepare_sketch(path, 64),
    }


WHAT = {"live canvas": "canvas", "library": "sketch"}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_13000_px_picture_is_refused_from_its_header_on_every_route(h, tmp_path, monkeypatch):
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))
    for name, call in routes(h, tmp_path, png_header(13000, 13000)).items():
        what = WHAT.get(name, name)
        with pytest.raises((gr.Error, ValueError), match=f"the {what} is 13000x13000 pixels; "):
            call()
    assert decoded == []


def test_a_damaged_picture_gets_the_same_message_on_every_route(h, tmp_path):
    for name, call in routes(h, tmp_path, truncated_png()).items():
        what = WHAT.get(name, name)
        named = "" if "canvas" in name else r" \(picture\.png\)"
        message = f"cannot read the {what}{named}: the file is damaged or not an image"
        with pytest.raises((gr.Error, ValueError), match=message):
            call()


def test_the_command_line_says_the_same(tiny_pipeline_dir, tmp_path, capsys):
    for data, message in [
        (truncated_png(), "cannot read the sketch (picture.png): the file is damaged"),
        (png_header(13000, 13000), "the sketch is 13000x13000 pixels; give at most 4096 px"),
    ]:
        sketch = tmp_path / "picture.png"
        sketch.write_bytes(data)
        out = tmp_path / "face.png"
        args = ["generate", "--pipeline", str(tiny_pipeline_dir), "--sketch", str(sketch)]
        assert cli([*args, "--out", str(out)]) != 0
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and not out.exists()


def test_the_canvas_value_is_checked_before_it_is_decoded(h):
    too_long = "data:image/png;base64," + "A" * (2 * MAX_FILE_BYTES)
    with pytest.raises(gr.Error, match="The canvas is 15.0 MB; send at most 10 MB"):
        h.from_canvas(too_long, None)
    for value in ("data:image/png;base64,not base64!", "data:text/html;base64,PGI+", "/etc/passwd"):
        with pytest.raises(gr.Error, match="cannot read the canvas"):
            h.from_canvas(value, None)
    # the largest canvas allowed is used, scaled down before it is prepared
    big = Image.new("RGB", (4096, 4096), "white")
    big.paste(strokes(256, "RGB").resize((2048, 2048)), (1024, 1024))  # lines 16 px wide
    image, session, *_ = h.from_canvas(pad(big), None)
    assert image.size == (256, 256) and session.source == "canvas"


def test_a_jpeg_or_webp_canvas_is_read_as_the_pads_png_is(h):
    for fmt in ("JPEG", "WEBP"):
        image, session, *_ = h.from_canvas(pad(strokes(), fmt=fmt), None)
        assert image.size == (256, 256) and session.face is not None
