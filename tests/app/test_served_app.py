"""The app served on 127.0.0.1 and driven through its API with gradio_client."""

import json
import time

import numpy as np
import pytest
from PIL import Image

from s2fgan.app.drawing_pad import data_url
from s2fgan.app.examples import example_paths

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture(scope="module")
def url(app_pipeline):
    from s2fgan.app import build_demo

    demo = build_demo(app_pipeline)
    demo.queue(default_concurrency_limit=2).launch(
        server_name="127.0.0.1", prevent_thread_lock=True, quiet=True
    )
    yield demo.local_url
    demo.close()


def client(url):
    return gradio_client.Client(url, verbose=False, download_files=True)


def pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


def test_generate_edit_and_swap_over_http(url):
    c = client(url)
    face, download, *sliders = c.predict(
        gradio_client.handle_file(example_paths()[0]), False, False, None, api_name="/sketch"
    )
    assert Image.open(face).size == (256, 256) and len(sliders) == 12
    assert "s2fgan" in Image.open(download).text["Software"]
    moved = list(sliders)
    moved[0] = 3.0 if sliders[0] < 1 else -3.0  # Smiling
    edited, _ = c.predict(False, False, *moved, api_name="/edit")
    assert (pixels(edited) != pixels(face)).any()
    donor = c.predict(5, api_name="/donor_seed")
    assert Image.open(donor).size == (256, 256)
    # one region may be given as a string (gr.CheckboxGroup would read it letter by letter)
    swapped, _, *after = c.predict("hair", "shape and texture", False, False, api_name="/swap")
    assert (pixels(swapped) != pixels(edited)).any()
    assert after[0] == moved[0]  # the slider edit survives the swap
    recoloured, _, *kept = c.predict(3, False, False, api_name="/colours")
    assert (pixels(recoloured) != pixels(swapped)).any()
    assert kept[0] == moved[0]  # and a new colour style


def test_a_bad_upload_is_a_readable_error(url, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    with pytest.raises(Exception, match=r"cannot read the sketch \(broken\.png\): the file is"):
        client(url).predict(
            gradio_client.handle_file(str(broken)), False, False, None, api_name="/sketch"
        )


def test_two_browser_sessions_never_share_a_face(url):
    a, b = client(url), client(url)
    a.predict(gradio_client.handle_file(example_paths()[1]), False, False, None, api_name="/sketch")
    with pytest.raises(Exception, match="Make a portrait first"):
        b.predict(False, False, *[0.0] * 12, api_name="/edit")


def test_bad_values_get_messages_that_name_the_problem(url, tmp_path, capfd):
    c = client(url)
    c.predict(gradio_client.handle_file(example_paths()[0]), False, False, "", api_name="/sketch")
    capfd.readouterr()
    # a missing slider value is asked for by its attribute's name (no silent 0 or -4)
    with pytest.raises(Exception, match="No value provided for required argument: Eyeglasses"):
        c.predict(False, False, 1.0, 2.0, 3.0, api_name="/edit")
    with pytest.raises(Exception, match="The Smiling strength must be a number, got 'abc'"):
        c.predict(False, False, "abc", *[0.0] * 11, api_name="/edit")
    with pytest.raises(Exception, match="No value for the Male slider"):
        c.predict(False, False, 0.0, None, *[0.0] * 10, api_name="/edit")
    # one value too many is refused, not dropped
    with pytest.raises(Exception, match="/edit takes 14 values, got 15"):
        c.predict(False, False, *[0.5] * 13, api_name="/edit")
    for seed in (2.5, 1e20, -1):
        with pytest.raises(Exception, match="donor seed must be a whole number in 0..2147483647"):
            c.predict(seed, api_name="/donor_seed")
    black = tmp_path / "black.png"
    Image.new("RGB", (300, 300), "black").save(black)
    with pytest.raises(Exception, match="mostly ink"):
        c.predict(gradio_client.handle_file(str(black)), False, False, "", api_name="/sketch")
    # ordinary user errors are toasts, not faults: no traceback in the server's log
    time.sleep(0.5)
    assert "Traceback" not in capfd.readouterr().err


def test_an_example_renders_each_click_and_fills_the_canvas(url):
    c = client(url)
    for _ in range(2):  # the same example twice: two renders
        canvas, face, download, *sliders = c.predict(3, False, False, "", api_name="/example")
        assert canvas == data_url(example_paths()[3])  # the pad shows the example
        assert Image.open(face).size == (256, 256) and len(sliders) == 12
        meta = json.loads(Image.open(download).text["s2fgan"])
        assert meta["source"].startswith("example ") and "swaps" not in meta


def test_a_session_frees_its_state_and_file_after_its_time_to_live(app_pipeline):
    from s2fgan.app import build_demo

    demo = build_demo(app_pipeline, session_ttl=1)
    demo.queue().launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True)
    try:
        c = client(demo.local_url)
        c.predict(1, False, False, "", api_name="/example")
        assert demo.handlers.downloads.count() == 1
        deadline = time.monotonic() + 20
        while demo.handlers.downloads.count() and time.monotonic() < deadline:
            time.sleep(0.25)
        assert demo.handlers.downloads.count() == 0
        with pytest.raises(Exception, match="Make a portrait first"):  # the state is gone too
            c.predict(False, False, *[0.0] * 12, api_name="/edit")
    finally:
        demo.close()
