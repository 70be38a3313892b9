"""`python app.py` stopped with SIGTERM (kill, docker stop, systemd) leaves no temporary folder."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {timeout:.0f} s"
        time.sleep(0.2)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_sigterm_removes_the_download_folder(tiny_pipeline_dir, tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    env = {**os.environ, "TMPDIR": str(temp), "GRADIO_TEMP_DIR": str(temp / "gradio")}
    app = subprocess.Popen(
        [sys.executable, "app.py", "--model", str(tiny_pipeline_dir), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/"), 180, "the app serves")
        assert len(list(temp.glob("s2fgan-downloads-*"))) == 1
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
    assert list(temp.glob("s2fgan-downloads-*")) == [], app.stderr.read()[-2000:]
