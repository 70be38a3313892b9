"""The app's memory under large pictures, on glibc's allocator (Linux): arenas capped, and memory
given back to the system after a large picture.

glibc gives each thread that allocates under contention an arena of its own, up to 8 per core,
and an arena keeps the high-water mark of what its thread decoded: with 4096 px pictures
arriving while others draw, the served app's RSS stepped up about 130 MB at a time as gradio's
worker threads took turns (soak: 769 -> 888 -> 1020 MB); with two arenas it held (610 -> 616
-> 634 MB after trimming). Elsewhere both calls do nothing.
"""

from __future__ import annotations

import ctypes
import functools

M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)
# A picture of more pixels than this leaves enough freed memory to be worth giving back.
LARGE_PIXELS = 2048 * 2048


@functools.cache
def _glibc():
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def cap_arenas(arenas: int = 2) -> bool:
    """At most `arenas` malloc arenas for the threads created from now on (call it before the
    server starts); returns whether glibc took the setting."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas))


def give_back(pixels: int) -> bool:
    """After a picture of `pixels` pixels is done with: when it was a large one, return the
    freed memory to the system; returns whether it did."""
    libc = _glibc()
    if libc is None or pixels <= LARGE_PIXELS:
        return False
    libc.malloc_trim(0)
    return True
