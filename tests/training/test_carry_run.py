"""A run's checkpoint carried through one file and back: resumable, in float32, exact where it
must be (step counters, random states), close where it is stored in half precision."""

import importlib.util
import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

ROOT = Path(__file__).resolve().parents[2]


def _carry_module():
    spec = importlib.util.spec_from_file_location("carry_run", ROOT / "benchmarks/carry_run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_run(run: Path) -> None:
    checkpoint = run / "checkpoint"
    checkpoint.mkdir(parents=True)
    torch.manual_seed(0)
    weight = torch.randn(8, 4)
    save_file({"w": weight, "count": torch.arange(3)}, checkpoint / "model.safetensors")
    optimizer = torch.optim.Adam([torch.nn.Parameter(weight.clone())], lr=1e-3)
    for _ in range(3):
        optimizer.zero_grad()
        optimizer.param_groups[0]["params"][0].sum().backward()
        optimizer.step()
    torch.save(optimizer.state_dict(), checkpoint / "optimizer.bin")
    torch.save({"rng": torch.get_rng_state()}, checkpoint / "random_states_0.pkl")
    (checkpoint / "step.json").write_text(json.dumps({"step": 100, "minutes": 5.0}))
    (run / "config.json").write_text("{}")
    metrics = [json.dumps({"step": s, "rec": 0.5}) for s in (25, 100, 125)]
    (run / "metrics.jsonl").write_text("\n".join(metrics) + "\n")


def test_carry_round_trip(tmp_path):
    carry = _carry_module()
    run = tmp_path / "runs" / "demo"
    _fake_run(run)
    archive = carry.save(run, tmp_path / "carried")
    assert archive.name == "demo.tar"
    restored = carry.restore(archive, tmp_path / "elsewhere")
    before, after = run / "checkpoint", restored / "checkpoint"

    weights, back = load_file(before / "model.safetensors"), load_file(after / "model.safetensors")
    assert back["w"].dtype == torch.float32
    assert torch.allclose(back["w"], weights["w"], rtol=1e-3, atol=1e-3)
    assert torch.equal(back["count"], weights["count"])

    state = torch.load(before / "optimizer.bin", weights_only=True)["state"][0]
    state_back = torch.load(after / "optimizer.bin", weights_only=True)["state"][0]
    assert torch.equal(state_back["step"], state["step"])
    for key in ("exp_avg", "exp_avg_sq"):
        assert state_back[key].dtype == torch.float32
        assert torch.allclose(state_back[key], state[key], rtol=1e-2, atol=0)

    random_before = (before / "random_states_0.pkl").read_bytes()
    assert (after / "random_states_0.pkl").read_bytes() == random_before
    assert json.loads((after / "step.json").read_text())["step"] == 100
    steps = [json.loads(x)["step"] for x in (restored / "metrics.jsonl").read_text().splitlines()]
    assert steps == [25, 100]


def test_carry_refuses_missing_checkpoint_and_overwrite(tmp_path):
    carry = _carry_module()
    with pytest.raises(SystemExit, match="no checkpoint"):
        carry.save(tmp_path / "empty", tmp_path / "carried")
    run = tmp_path / "runs" / "demo"
    _fake_run(run)
    archive = carry.save(run, tmp_path / "carried")
    with pytest.raises(SystemExit, match="exists"):
        carry.restore(archive, tmp_path / "runs")
