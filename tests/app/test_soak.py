"""A bounded soak: a fixed number of sessions, each with good and bad requests, through
gradio_client against the app served on 127.0.0.1. Every request must end in a result or a
clear message; afterwards the app still answers, its files stay bounded and its memory levels
off (RSS after the second half within 10% of after the first half). Prints its figures."""

import gc
import re
import time
from pathlib import Path

import pytest
from PIL import Image

gradio_client = pytest.importorskip("gradio_client")

SESSIONS_PER_HALF = 8
# the messages a user may get here; anything else (gradio's generic "upstream app has raised
# an exception", a bare "Error") fails the test
CLEAR = re.compile(
    r"must be a number|whole number in 0\.\.|mostly ink|give at least 16 px|Make a portrait first"
    r"|cannot read the"
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status")


def session(url, files) -> tuple[int, int, list[str]]:
    """One user's run: (results, clear errors, unclear errors)."""
    c = gradio_client.Client(url, verbose=False)
    good = bad = 0
    unclear = []
    calls = [
        ((2, False, False, ""), "/example"),
        ((False, False, "abc", *[0.0] * 11), "/edit"),
        ((False, False, 3.0, *[0.5] * 11), "/edit"),
        ((2.5,), "/donor_seed"),
        ((1e20,), "/donor_seed"),
        ((4,), "/donor_seed"),
        ((["hair", "eyes"], "shape and texture", False, False), "/swap"),
        ((gradio_client.handle_file(files["black"]), False, False, ""), "/sketch"),
        ((gradio_client.handle_file(files["tiny"]), False, False, ""), "/sketch"),
        ((gradio_client.handle_file(files["broken"]), False, False, ""), "/sketch"),
        ((7, False, False), "/colours"),
    ]
    for args, api in calls:
        try:
            c.predict(*args, api_name=api)
            good += 1
        except Exception as error:  # gradio_client raises AppError for the app's messages
            if CLEAR.search(str(error)):
                bad += 1
            else:
                unclear.append(f"{api}: {error}")
    return good, bad, unclear


def files_since(start: float, *folders: Path) -> int:
    """Files made since `start` under the folders (gradio's cache is shared by every app of
    the machine: only this test's files count)."""
    return sum(
        1
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file() and p.stat().st_ctime >= start
    )


def test_a_bounded_soak_with_bad_input(app_pipeline, tmp_path):
    from s2fgan.app import build_demo

    files = {"black": tmp_path / "black.png", "tiny": tmp_path / "tiny.png"}
    Image.new("RGB", (300, 300), "black").save(files["black"])
    Image.new("L", (1, 1), 0).save(files["tiny"])
    files["broken"] = tmp_path / "broken.png"
    files["broken"].write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    files = {k: str(v) for k, v in files.items()}
    # short lives, so that the test sees sessions and cached pictures go
    demo = build_demo(app_pipeline, session_ttl=2, delete_cache=(2, 4))
    demo.queue(default_concurrency_limit=2).launch(
        server_name="127.0.0.1", prevent_thread_lock=True, quiet=True
    )
    downloads = demo.handlers.downloads.folder
    cache = Path(demo.GRADIO_CACHE)
    start = time.time()
    try:
        session(demo.local_url, files)  # warm-up: first loads, allocator pools
        figures = {"results": 0, "clear errors": 0}
        unclear, rss, held = [], [], []
        for _ in range(2):
            for _ in range(SESSIONS_PER_HALF):
                good, bad, odd = session(demo.local_url, files)
                figures["results"] += good
                figures["clear errors"] += bad
                unclear += odd
            time.sleep(5)  # the sessions' time to live and the cache's age pass
            gc.collect()
            rss.append(rss_mb())
            held.append(files_since(start, downloads, cache))
        # the app still answers
        assert session(demo.local_url, files)[0] >= 5
    finally:
        demo.close()
    print(
        f"soak: {2 * SESSIONS_PER_HALF} sessions, {figures['results']} results, "
        f"{figures['clear errors']} clear errors, {len(unclear)} unclear; RSS after first half "
        f"{rss[0]:.0f} MB, after second {rss[1]:.0f} MB; files held after each half {held}"
    )
    assert unclear == []
    assert figures["results"] == 2 * SESSIONS_PER_HALF * 5  # example, edit, seed, swap, colours
    assert figures["clear errors"] == 2 * SESSIONS_PER_HALF * 6
    assert rss[1] <= 1.10 * rss[0]
    # the files level off (16 sessions make ~300 pictures), and no session's download stays
    assert held[1] <= held[0] + 20
    assert demo.handlers.downloads.count() <= 1  # the last check's session may be alive
