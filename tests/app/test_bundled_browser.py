"""The bundled default weights in the app, as a new user meets them: a simple face drawn with
the mouse in a real headless Chromium gives a portrait with two eyes and a mouth below them.

The portrait is read by the evaluator's segmenter (trained apart from the generator on the data
engine's ground truth), not by the generator's own region map. Needs Debian's chromium and the
playwright package, as tests/app/test_browser.py does.
"""

import base64
import io
import os
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import app_browser as driver  # noqa: E402

from s2fgan.constants import REGION_INDEX  # noqa: E402
from s2fgan.data.image_io import image_to_tensor  # noqa: E402
from s2fgan.evaluation.commands import load_evaluators  # noqa: E402

REQUIRED = os.environ.get("S2FGAN_REQUIRE_BROWSER") == "1"
missing = driver.missing_browser()
if missing and not REQUIRED:
    pytest.skip(f"no browser: {', '.join(missing)} missing", allow_module_level=True)

MIN_PIXELS = 6  # of a region in the 128 px portrait: an eye of the engine's faces has 20-60


def _shown_portrait(page, src: str) -> Image.Image:
    """The portrait the page shows, fetched as the browser got it."""
    if src.startswith("data:"):
        data = base64.b64decode(src.split(",", 1)[1])
    else:
        data = page.request.get(src).body()
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_a_mouse_drawn_face_gets_eyes_and_a_mouth_with_the_bundled_weights():
    assert not missing, f"S2FGAN_REQUIRE_BROWSER=1 but {missing} missing"
    from playwright.sync_api import sync_playwright

    from s2fgan.app import load_pipeline

    pipe = load_pipeline(str(driver.BUNDLED), device="cpu")
    demo = driver.launch_app(pipe)
    try:
        with sync_playwright() as p:
            browser, page = driver.open_page(p, demo.local_url)
            driver.draw_face(page)
            driver.wait_for_new_result(page, None)
            portrait = _shown_portrait(page, driver.wait_for_quiet_result(page))
            browser.close()
    finally:
        demo.close()

    _, segmenter = load_evaluators()
    image = image_to_tensor(portrait.resize((pipe.resolution,) * 2, Image.BICUBIC))[None]
    with torch.no_grad():
        regions = segmenter(image).argmax(1)[0]  # [H, W]
    half = regions.shape[1] // 2
    eyes = regions == REGION_INDEX["eyes"]
    mouth = regions == REGION_INDEX["mouth"]
    # an eye on each side of the face, a mouth, and the mouth below the eyes
    assert eyes[:, :half].sum() >= MIN_PIXELS and eyes[:, half:].sum() >= MIN_PIXELS, eyes.sum()
    assert mouth.sum() >= MIN_PIXELS, mouth.sum()
    rows = torch.arange(regions.shape[0], dtype=torch.float32)[:, None]
    assert (rows * mouth).sum() / mouth.sum() > (rows * eyes).sum() / eyes.sum()
