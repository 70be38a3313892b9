"""Live drawing and example clicks in a real headless Chromium, on the bundled weights by default:
the time from a stroke's end (mouse released) to the new portrait on the page, one stroke at a
time, and from an example's click to its portrait, with where the time goes:

    PYTHONPATH=. python benchmarks/live_latency.py --rounds 2 --examples 12

Prints the medians and every time, the requests the page sends per stroke, and the server's
part (the handler, from its start to its return: preparing the sketch, the model, the pictures).
Needs Debian's chromium and the playwright package.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import wraps

import app_browser as driver


def timed(function, record: list[float]):
    """`function`, appending the seconds of each call to `record`."""

    @wraps(function)
    def call(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            record.append(time.perf_counter() - start)

    return call


def line(name: str, times: list[float]) -> str:
    each = " ".join(f"{t:.3f}" for t in times)
    return f"{name}: median {statistics.median(times):.3f} s over {len(times)} ({each})"


def main() -> None:
    from playwright.sync_api import sync_playwright

    from s2fgan.app import load_pipeline

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        default=str(driver.BUNDLED),
        help="pipeline folder or Hub repo id (default: bundled)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="faces drawn, 7 strokes each")
    parser.add_argument("--examples", type=int, default=12, help="example clicks")
    args = parser.parse_args()
    demo = driver.launch_app(load_pipeline(args.model), as_app_py=True)
    server = {"live": [], "example": []}
    for fn in demo.fns.values():
        if fn.api_name in server:
            fn.fn = timed(fn.fn, server[fn.api_name])
    strokes, requests, examples = [], [], []
    with sync_playwright() as p:
        browser, page = driver.open_page(p, demo.local_url)
        sent = []
        page.on("request", lambda r: sent.append(r.url) if "/gradio_api/" in r.url else None)
        for _ in range(args.rounds):
            page.get_by_role("button", name="Brush").first.click()
            for points in driver.face_strokes(page):
                before = driver.wait_for_quiet_result(page, quiet=0.5)
                sent.clear()
                driver.stroke(page, points)  # the clock starts as the button is released
                strokes.append(driver.wait_for_new_result(page, before))
                driver.wait_for_quiet_result(page, quiet=0.5)
                requests.append(len(sent))
            page.locator("#canvas button[aria-label='Clear canvas']").first.click()
        for i in range(args.examples):
            before = driver.wait_for_quiet_result(page, quiet=0.5)
            page.locator("#examples button").nth(i % 6).click()
            examples.append(driver.wait_for_new_result(page, before))
        browser.close()
    demo.close()
    print(line("stroke end -> new portrait", strokes))
    print(f"requests per stroke (queue joins, streams, files): {statistics.median(requests)}")
    print(line("  of which the server's live handler", server["live"]))
    print(line("example click -> portrait", examples))
    print(line("  of which the server's example handler", server["example"]))


if __name__ == "__main__":
    main()
