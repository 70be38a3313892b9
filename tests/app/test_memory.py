"""The memory a large picture took goes back to the system; small ones do not pay for it."""

import platform

import pytest

from s2fgan.app import memory

glibc = memory._glibc() is not None


def test_only_large_pictures_trim_the_heap(monkeypatch):
    trimmed = []
    if glibc:
        monkeypatch.setattr(memory._glibc(), "malloc_trim", lambda pad: trimmed.append(pad))
    assert memory.give_back(384 * 384) is False
    assert memory.give_back(4096 * 4096) is glibc
    assert trimmed == ([0] if glibc else [])


@pytest.mark.skipif(not glibc, reason=f"no glibc on {platform.system()}")
def test_glibc_takes_the_arena_cap():
    assert memory.cap_arenas(2) is True
