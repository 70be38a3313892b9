"""The app's renders share the cores: cores // concurrency torch threads each, at least one."""

import os

import torch

from s2fgan.app.cores import share_cores


def test_each_render_gets_its_share_of_the_cores(monkeypatch):
    before = torch.get_num_threads()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    try:
        assert share_cores(2) == 4 and torch.get_num_threads() == 4
        assert share_cores(3) == 2
        assert share_cores(16) == 1 and torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
