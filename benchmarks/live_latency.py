"""Live drawing in a real headless Chromium: time from a stroke's end (mouse released) to the
new portrait on the page, one stroke at a time, on the bundled weights by default:

    PYTHONPATH=. python benchmarks/live_latency.py --rounds 2

Prints the median and every stroke's time. Needs Debian's chromium and the playwright package.
"""

from __future__ import annotations

import argparse
import statistics

import app_browser as driver


def main() -> None:
    from playwright.sync_api import sync_playwright

    from s2fgan.app import load_pipeline

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="pipeline folder or Hub repo id (default: bundled)")
    parser.add_argument("--rounds", type=int, default=2, help="faces drawn, 7 strokes each")
    args = parser.parse_args()
    demo = driver.launch_app(load_pipeline(args.model))
    times = []
    with sync_playwright() as p:
        browser, page = driver.open_page(p, demo.local_url)
        for _ in range(args.rounds):
            page.get_by_role("button", name="Brush").first.click()
            for points in driver.face_strokes(page):
                before = driver.wait_for_quiet_result(page, quiet=0.5)
                driver.stroke(page, points)  # the clock starts as the button is released
                times.append(driver.wait_for_new_result(page, before))
            page.locator("#canvas button[aria-label='Clear canvas']").first.click()
        browser.close()
    demo.close()
    print(f"stroke end -> new portrait: median {statistics.median(times):.3f} s over {len(times)}")
    print("each:", " ".join(f"{t:.3f}" for t in times))


if __name__ == "__main__":
    main()
