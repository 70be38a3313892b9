"""Drive the s2fgan app in a real headless Chromium: draw, generate, slide, swap.

As a benchmark it times each action as a user feels it (click -> new picture shown) on
the bundled weights and saves a screenshot for the README:

    PYTHONPATH=. python benchmarks/app_browser.py --runs 5 --screenshot benchmarks/figures/app.png

The browser test (tests/app/test_browser.py) uses the same driver on a tiny pipeline.
Needs Debian's chromium (`apt-get install -y chromium`) and the playwright package.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def missing_browser() -> list[str]:
    """What this machine lacks to drive the app in Chromium (empty: nothing)."""
    import importlib.util
    import shutil

    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package")
    if not shutil.which(CHROMIUM):
        missing.append(CHROMIUM)
    return missing


# The default weights of this checkout, which the benchmarks pass to the app by default.
BUNDLED = Path(__file__).resolve().parents[1] / "weights_card" / "s2fgan-synth-128"


def launch_app(pipe, as_app_py: bool = False):
    """Serve build_demo(pipe) on 127.0.0.1 in this process; returns the demo (has .local_url).
    `as_app_py` also runs renders on their share of the cores, as app.py does (the benchmarks
    time it so; tests leave the process's torch threads alone)."""
    from s2fgan.app import build_demo
    from s2fgan.app.cores import share_cores
    from s2fgan.app.memory import cap_arenas

    demo = build_demo(pipe)
    if as_app_py:
        share_cores(2)
        cap_arenas()
    demo.queue(default_concurrency_limit=2).launch(
        server_name="127.0.0.1", prevent_thread_lock=True, quiet=True
    )
    return demo


def open_page(playwright, url: str):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector("#canvas canvas", timeout=60_000)
    # the page's load events have run: the sliders show 0 until there is a face
    page.wait_for_function(
        "() => document.querySelector('#slider-Smiling input[type=number]')?.value === '0'",
        timeout=60_000,
    )
    return browser, page


def result_src(page) -> str | None:
    img = page.locator("#result img")
    return img.first.get_attribute("src") if img.count() else None


def wait_for_new_result(page, before: str | None, timeout: float = 60.0) -> float:
    """Seconds until the shown portrait differs from `before`."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        src = result_src(page)
        if src and src != before:
            return time.perf_counter() - start
        time.sleep(0.02)
    # what the app said, so that a failure in CI tells why (an error toast, or nothing)
    said = page.locator(".toast-body").all_inner_texts()
    raise TimeoutError(f"the portrait did not change in {timeout:.0f} s; the app said {said}")


def wait_for_quiet_result(page, quiet: float = 1.0, timeout: float = 60.0) -> str | None:
    """The shown portrait once it has stayed the same for `quiet` seconds (live drawing and
    sliders may still be rendering the last strokes or keys)."""
    start = time.perf_counter()
    src, since = result_src(page), time.perf_counter()
    while time.perf_counter() - start < timeout:
        time.sleep(0.05)
        now = result_src(page)
        if now != src:
            src, since = now, time.perf_counter()
        elif time.perf_counter() - since >= quiet:
            return src
    raise TimeoutError(f"the portrait kept changing for {timeout:.0f} s")


def _canvas_frame(page):
    """(centre x, centre y, radius) of the drawing area, in page pixels."""
    box = page.locator("#canvas canvas").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return cx, cy, 0.3 * min(box["width"], box["height"])  # stay on the paper


def stroke(page, points) -> None:
    """One stroke of the mouse through `points`, ending when the button is released."""
    page.mouse.move(*points[0])
    page.mouse.down()
    for p in points[1:]:
        page.mouse.move(*p, steps=2)
    page.mouse.up()


def stroke_across(page, row: float = 0.75) -> None:
    """Pick the brush and draw one horizontal line across the face, `row` of the way down."""
    page.get_by_role("button", name="Brush").first.click()
    cx, cy, r = _canvas_frame(page)
    y = cy + (2 * row - 1) * r
    stroke(page, [(cx - 0.4 * r + 0.1 * r * k, y) for k in range(9)])


def face_strokes(page) -> list[list[tuple[float, float]]]:
    """A head, brows, eyes, nose and mouth: the points of each stroke, in page pixels."""
    cx, cy, r = _canvas_frame(page)
    strokes = [
        [
            (cx + 0.8 * r * math.cos(a), cy + r * math.sin(a))
            for a in [2 * math.pi * k / 48 for k in range(49)]
        ]
    ]
    for side in (-1, 1):  # eyes and brows
        ex = cx + side * 0.35 * r
        strokes.append([(ex - 0.15 * r, cy - 0.2 * r), (ex + 0.15 * r, cy - 0.2 * r)])
        strokes.append([(ex - 0.18 * r, cy - 0.38 * r), (ex + 0.18 * r, cy - 0.4 * r)])
    strokes.append(
        [(cx, cy - 0.1 * r), (cx - 0.08 * r, cy + 0.2 * r), (cx + 0.05 * r, cy + 0.22 * r)]
    )
    strokes.append(
        [
            (cx - 0.3 * r + 0.03 * r * k, cy + 0.5 * r + 0.01 * r * (k - 10) ** 2 / 10)
            for k in range(21)
        ]
    )
    return strokes


def draw_face(page) -> None:
    """Pick the brush and draw a head, eyes, nose and mouth with the mouse."""
    page.get_by_role("button", name="Brush").first.click()
    for points in face_strokes(page):
        stroke(page, points)


def drag_slider(page, attribute: str, fraction: float) -> None:
    """Drag an attribute slider's handle to `fraction` of its track (0 = -4, 1 = +4)."""
    track = page.locator(f"#slider-{attribute} input[type=range]").first
    track.scroll_into_view_if_needed()  # mouse coordinates only reach what the viewport shows
    box = track.bounding_box()
    y = box["y"] + box["height"] / 2
    value = float(page.locator(f"#slider-{attribute} input[type=number]").first.input_value())
    page.mouse.move(box["x"] + box["width"] * (value + 4) / 8, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * fraction, y, steps=8)
    page.mouse.up()


def click_and_time(page, selector: str) -> float:
    before = result_src(page)
    page.click(selector)
    return wait_for_new_result(page, before)


def main() -> None:
    from playwright.sync_api import sync_playwright

    from s2fgan.app import load_pipeline

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", default=str(BUNDLED), help="pipeline folder (default: the bundled weights)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    demo = launch_app(load_pipeline(args.model), as_app_py=True)
    times: dict[str, list[float]] = {
        "draw -> portrait": [],
        "slider -> re-edit": [],
        "example click -> portrait": [],
        "swap hair": [],
    }
    with sync_playwright() as p:
        browser, page = open_page(p, demo.local_url)
        page.locator("#live input").uncheck()  # Generate times the whole canvas -> portrait
        draw_face(page)
        for i in range(args.runs):
            # each action starts once the page shows the last one's final picture
            wait_for_quiet_result(page, quiet=0.5)
            times["draw -> portrait"].append(click_and_time(page, "#generate"))
            before = wait_for_quiet_result(page, quiet=0.5)
            drag_slider(page, "Smiling", 0.95 if i % 2 == 0 else 0.05)
            times["slider -> re-edit"].append(wait_for_new_result(page, before))
            before = wait_for_quiet_result(page, quiet=0.5)
            page.locator("#examples button").nth(i % 6).click()
            times["example click -> portrait"].append(wait_for_new_result(page, before))
            donor = page.locator("#donor img").first.get_attribute("src")
            page.click("#dice")
            page.wait_for_function(  # the new donor is shown before the swap
                f"() => document.querySelector('#donor img')?.getAttribute('src') !== {donor!r}"
            )
            wait_for_quiet_result(page, quiet=0.5)
            times["swap hair"].append(click_and_time(page, "#swap"))
        if args.screenshot:
            args.screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.get_by_label("Overlay sketch").check()
            time.sleep(1.0)
            page.screenshot(path=str(args.screenshot), full_page=True)
        browser.close()
    demo.close()
    print("| action (browser, click -> new picture) | median s | runs |\n|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.2f} | {len(values)} |")


if __name__ == "__main__":
    main()
