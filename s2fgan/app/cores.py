"""Torch threads for the app's renders: the cores shared out among the renders that run at once.

A render is one batch-1 pass through small networks (tens of milliseconds on one core at
128 px). Split over two threads, every operation waits for the slower thread, and with anything
else on the second core (the browser, the other render, another job) a live stroke took 1.05 s
to render instead of 0.09 s on one thread (2 cores, one busy). So each of the `concurrency`
renders gets the cores divided by `concurrency`, at least one.
"""

from __future__ import annotations

import os


def share_cores(concurrency: int) -> int:
    """Set torch's threads per render for `concurrency` renders at once; returns the count."""
    import torch

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = max(1, (cores or 1) // max(1, concurrency))
    torch.set_num_threads(threads)
    return threads
