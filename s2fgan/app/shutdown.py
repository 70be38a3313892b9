"""Stopping the app with SIGTERM (`kill`, `docker stop`, systemd, a Space restarting) as Ctrl+C
stops it.

Python's default SIGTERM ends the process at once, without the interpreter's exit, so the app's
temporary folders (each session's Download PNG, `s2fgan-downloads-*`) stayed in the temp dir.
As a KeyboardInterrupt, gradio's `launch()` closes its server and returns, and the normal exit
removes them.
"""

from __future__ import annotations

import signal
import threading


def stop_on_sigterm() -> None:
    """From now on SIGTERM raises KeyboardInterrupt in the main thread (where launch() waits).
    Call it from the main thread of the script that serves the app."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.default_int_handler)
