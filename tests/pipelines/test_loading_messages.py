"""The Python API's `SketchToFacePipeline.from_pretrained` says in one line what the command line
says when a model cannot load, and loading prints no warning about accelerate."""

import os
import subprocess
import sys
from pathlib import Path

import diffusers.models.modeling_utils
import diffusers.pipelines.pipeline_utils
import diffusers.utils
import pytest

from s2fgan.pipelines import SketchToFacePipeline, loading
from s2fgan.pipelines.commands import CHECKOUT_MODEL
from s2fgan.pipelines.loading import DEFAULT_MODEL, LoadError, resolve_model

REPO_ROOT = Path(__file__).resolve().parents[2]

# The README's example as a `pip install` user runs it, in a folder of their own, offline.
CHILD = """
import json, sys
from s2fgan import SketchToFacePipeline

report = {}
for name in ("s2fgan/s2fgan-synth-128", "weights_card/s2fgan-synth-128"):
    try:
        SketchToFacePipeline.from_pretrained(name)
    except OSError as error:
        report[name] = [type(error).__name__, str(error)]
print(json.dumps(report))
"""


def test_a_missing_default_model_is_one_line_not_a_traceback(tmp_path):
    env = {
        **os.environ,
        "HF_HOME": str(tmp_path / "home"),
        "HF_HUB_CACHE": str(tmp_path / "hub"),
        "HF_HUB_OFFLINE": "1",
        "HF_ENDPOINT": "http://127.0.0.1:9",
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    run = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = __import__("json").loads(run.stdout.strip().splitlines()[-1])
    for name in ("s2fgan/s2fgan-synth-128", "weights_card/s2fgan-synth-128"):
        kind, message = report[name]
        assert kind == "LoadError" and "\n" not in message
        assert message.startswith(f"no folder {name} here, and the Hub repo {name} is not in the")
        assert "offline mode (HF_HUB_OFFLINE) downloads nothing" in message
        assert "not fully cached" not in message
    assert "Traceback" not in run.stderr


def test_a_folder_that_is_not_a_pipeline_is_one_line(tmp_path):
    with pytest.raises(LoadError, match="has no model_index.json: not a saved pipeline folder"):
        SketchToFacePipeline.from_pretrained(tmp_path)
    with pytest.raises(OSError, match="^no folder ./nowhere$"):  # an OSError, as diffusers' are
        SketchToFacePipeline.from_pretrained("./nowhere")


def test_loading_without_accelerate_prints_no_warning(tiny_pipeline, tmp_path, monkeypatch, capfd):
    tiny_pipeline.save_pretrained(tmp_path / "pipe")
    for module in (
        diffusers.utils,
        diffusers.pipelines.pipeline_utils,
        diffusers.models.modeling_utils,
    ):
        monkeypatch.setattr(module, "is_accelerate_available", lambda: False)
    capfd.readouterr()
    pipe = SketchToFacePipeline.from_pretrained(tmp_path / "pipe")
    assert pipe.resolution == tiny_pipeline.resolution
    assert "accelerate" not in capfd.readouterr().err


def test_the_library_loads_only_what_it_is_given(tmp_path, monkeypatch):
    """No checkout folder stands in for the Hub id: the app and the command line pass theirs
    as `bundled`, which the argument and $S2FGAN_MODEL override."""
    monkeypatch.delenv("S2FGAN_MODEL", raising=False)
    assert (REPO_ROOT / "weights_card" / "s2fgan-synth-128").is_dir()  # and yet:
    assert resolve_model() == DEFAULT_MODEL == "s2fgan/s2fgan-synth-128"
    assert resolve_model(bundled=tmp_path) == str(tmp_path)
    assert resolve_model(bundled=tmp_path / "absent") == DEFAULT_MODEL
    assert resolve_model("org/other", bundled=tmp_path) == "org/other"
    monkeypatch.setenv("S2FGAN_MODEL", "org/env")
    assert resolve_model(bundled=tmp_path) == "org/env"
    assert not hasattr(loading, "BUNDLED_MODEL") and not hasattr(loading, "local_copy")
    assert CHECKOUT_MODEL == REPO_ROOT / "weights_card" / "s2fgan-synth-128"
