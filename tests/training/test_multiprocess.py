"""Two CPU processes (torchrun, gloo on loopback) train the tiny config: every trained
parameter must end each step identical on both ranks, the ranks must train on different
portraits, and the checkpoint must resume in two processes and in one."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.training.tiny_networks import TINY_NETWORKS

WORKER = Path(__file__).with_name("ddp_worker.py")
TIMEOUT_S = 240  # per launch; a hung rendezvous fails instead of stalling CI

# the tiny config of tests/training, in fields every TrainConfig version has
TINY_FIELDS = dict(
    resolution=64,
    batch_size=2,
    log_every=1,
    sample_every=10**6,
    checkpoint_every=10**6,
    compile_engine=False,
    sketch_style="drawn",
    **TINY_NETWORKS,
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _launch(tmp_path: Path, name: str, processes: int, **fields) -> dict:
    config = tmp_path / f"{name}.json"
    report = tmp_path / f"{name}-report.json"
    config.write_text(json.dumps({**TINY_FIELDS, **fields}))
    env = {
        **os.environ,
        "ACCELERATE_USE_CPU": "1",  # else Accelerate runs two single-process copies
        "MASTER_ADDR": "127.0.0.1",
        "GLOO_SOCKET_IFNAME": "lo",
        "OMP_NUM_THREADS": "1",
    }
    if processes == 1:
        command = [sys.executable, str(WORKER)]
    else:
        command = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nnodes",
            "1",
            "--nproc_per_node",
            str(processes),
            "--master_addr",
            "127.0.0.1",
            "--master_port",
            str(_free_port()),
            str(WORKER),
        ]
    done = subprocess.run(
        [*command, str(config), str(report)],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(report.read_text())


def _metric_steps(out: Path) -> list[int]:
    return [json.loads(x)["step"] for x in (out / "metrics.jsonl").read_text().splitlines()]


def test_two_processes_train_one_model_and_resume_in_two_and_in_one(tmp_path):
    out = tmp_path / "run"
    report = _launch(
        tmp_path, "first", 2, out_dir=str(out), steps=3, random_fakes_every=1, w_edit_cycle=0.5
    )
    assert report["world_size"] == 2
    # the comparison covers every trained parameter of the run
    from s2fgan.training.config import TrainConfig
    from s2fgan.training.loop import Networks

    built = Networks(TrainConfig(**{**TINY_FIELDS, "out_dir": str(out)}))
    assert report["parameters"] == sum(p.numel() for p in built.parameters())
    worst = max(report["max_diff"].values())
    assert worst == 0.0, f"ranks differ by up to {worst:.3g} after 3 steps"
    rank0, rank1 = report["photo_digests"]
    assert len(rank0) == len(rank1) >= 3 and not set(rank0) & set(rank1)
    assert json.loads((out / "checkpoint/step.json").read_text())["step"] == 3

    # resume in two processes
    shutil.copytree(out, tmp_path / "single")
    report = _launch(
        tmp_path, "resume2", 2, out_dir=str(out), steps=5, random_fakes_every=1, w_edit_cycle=0.5
    )
    assert max(report["max_diff"].values()) == 0.0
    assert _metric_steps(out) == [1, 2, 3, 4, 5]
    # and the same checkpoint in one process
    single = tmp_path / "single"
    report = _launch(tmp_path, "resume1", 1, out_dir=str(single), steps=4, random_fakes_every=1)
    assert report["world_size"] == 1
    assert _metric_steps(single) == [1, 2, 3, 4]
    assert json.loads((single / "checkpoint/step.json").read_text())["step"] == 4
    assert (single / "final" / "generator" / "config.json").exists()


pytestmark = pytest.mark.timeout(3 * TIMEOUT_S + 60)
