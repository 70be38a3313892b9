"""Loading by Hub repo id, offline, from a pre-populated Hugging Face cache (never the Hub).

The loads run in a child Python with HF_HUB_CACHE, HF_HUB_OFFLINE=1 and an unreachable
HF_ENDPOINT set before huggingface_hub is imported, as a user's environment would set them.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from s2fgan.errors import UserError
from s2fgan.pipelines.loading import load_pipeline

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMIT = "0123456789abcdef0123456789abcdef01234567"

CHILD = """
import json, sys
from pathlib import Path
from safetensors.torch import save_file
from s2fgan.cli import main
from s2fgan.errors import UserError
from s2fgan.pipelines.loading import load_pipeline
from s2fgan.models.encoders import SketchEncoder
from s2fgan.pipelines import SketchToFacePipeline

out = Path(sys.argv[1])
report = {}
pipe = SketchToFacePipeline.from_pretrained("org/tiny")
pipe.random_face(seed=3).images[0].save(out / "face.png")
report["same_via_load_pipeline"] = type(load_pipeline("org/tiny")).__name__
encoder = SketchEncoder.from_pretrained("org/tiny", subfolder="sketch_encoder")
save_file(encoder.state_dict(), str(out / "sketch_encoder.safetensors"))
cli = ["generate", "--pipeline", "org/tiny", "--seed", "3", "--out", str(out / "cli.png")]
report["cli"] = main(cli)
report["errors"] = {}
for name in ("org/missing", "weights_card/not-here", "./not-here", "bad id//x"):
    try:
        load_pipeline(name)
    except UserError as error:
        report["errors"][name] = str(error)
try:
    SketchToFacePipeline.from_pretrained("org/missing")
except OSError as error:
    report["raw_error"] = str(error)
(out / "report.json").write_text(json.dumps(report))
"""


def populate_hub_cache(cache: Path, repo_id: str, folder: Path) -> Path:
    """Lay FOLDER out in CACHE as huggingface_hub does after downloading REPO_ID at COMMIT:
    blobs named by their hash, snapshots/COMMIT/<path> symlinks to them, refs/main."""
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    (repo / "blobs").mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    snapshot = repo / "snapshots" / COMMIT
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        link = snapshot / path.relative_to(folder)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    return snapshot


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory: pytest.TempPathFactory, saved_pipeline: Path):
    """(report, output folder, cache) of the child that loads org/tiny offline."""
    root = tmp_path_factory.mktemp("offline")
    cache, out = root / "hub", root / "out"
    out.mkdir()
    populate_hub_cache(cache, "org/tiny", saved_pipeline)
    env = {
        **os.environ,
        "HF_HOME": str(root / "home"),
        "HF_HUB_CACHE": str(cache),
        "HF_HUB_OFFLINE": "1",
        "HF_ENDPOINT": "http://127.0.0.1:9",  # were anything to go online, it would fail here
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(out)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads((out / "report.json").read_text()), out, cache


def test_repo_id_loads_the_cached_pipeline_offline(offline_run, tiny_pipeline) -> None:
    report, out, _ = offline_run
    expected = np.asarray(tiny_pipeline.random_face(seed=3).images[0])
    np.testing.assert_array_equal(np.asarray(Image.open(out / "face.png")), expected)
    assert report["same_via_load_pipeline"] == "SketchToFacePipeline"
    # `s2fgan generate --pipeline org/tiny` reads the same cache.
    assert report["cli"] == 0
    np.testing.assert_array_equal(np.asarray(Image.open(out / "cli.png").convert("RGB")), expected)


def test_one_component_loads_by_subfolder(offline_run, tiny_pipeline) -> None:
    _, out, _ = offline_run
    loaded = load_file(str(out / "sketch_encoder.safetensors"))
    expected = tiny_pipeline.sketch_encoder.state_dict()
    assert loaded.keys() == expected.keys()
    for key, value in expected.items():
        torch.testing.assert_close(loaded[key], value, rtol=0, atol=0)


def test_missing_repos_and_bad_names_give_one_line_errors(offline_run) -> None:
    report, _, cache = offline_run
    errors = report["errors"]
    assert errors["org/missing"] == (
        f"no folder org/missing here, and the Hub repo org/missing is not in the Hugging Face "
        f"cache ({cache}); offline mode (HF_HUB_OFFLINE) downloads nothing: get it with "
        "`hf download org/missing` while online, or pass a pipeline folder"
    )
    assert errors["weights_card/not-here"].startswith("no folder weights_card/not-here here, and")
    assert errors["./not-here"] == "no folder ./not-here"
    assert errors["bad id//x"] == "no folder 'bad id//x', and it is not a Hub repo id (OWNER/NAME)"
    # diffusers' own from_pretrained also fails, naming the repo (with a longer message).
    assert "org/missing" in report["raw_error"]


def test_folders_that_are_not_pipelines_are_named(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(UserError, match="is a file, not a weights folder"):
        load_pipeline(tmp_path / "file.txt")
    with pytest.raises(UserError, match="has no model_index.json: not a saved pipeline folder"):
        load_pipeline(tmp_path)
    with pytest.raises(UserError, match="^no folder /nowhere/at-all$"):
        load_pipeline("/nowhere/at-all")


# `s2fgan generate` with no --pipeline, as a `pip install` user runs it: in a folder of their
# own, with no weights_card/ beside the package (the wheel ships none).
DEFAULT_CHILD = """
import sys
from s2fgan.cli import main
from s2fgan.pipelines import commands

commands.CHECKOUT_MODEL = commands.CHECKOUT_MODEL.with_name("not-in-a-wheel")
sys.exit(main(["generate", "--seed", "3", "--out", sys.argv[1]]))
"""


def run_default_generate(root: Path, cache: Path, offline: bool) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "HF_HOME": str(root / "home"),
        "HF_HUB_CACHE": str(cache),
        "HF_ENDPOINT": "http://127.0.0.1:9",  # nothing listens: the Hub cannot be reached
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("S2FGAN_MODEL", None)
    env["HF_HUB_OFFLINE"] = "1" if offline else "0"
    out = root / "new" / "folders" / "face.png"
    return subprocess.run(
        [sys.executable, "-c", DEFAULT_CHILD, str(out)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_generate_outside_the_repo_loads_the_default_repo_from_the_cache(tmp_path: Path) -> None:
    from s2fgan.pipelines.commands import CHECKOUT_MODEL
    from s2fgan.pipelines.loading import DEFAULT_MODEL

    assert DEFAULT_MODEL == "s2fgan/s2fgan-synth-128"
    populate_hub_cache(tmp_path / "hub", DEFAULT_MODEL, CHECKOUT_MODEL)
    run = run_default_generate(tmp_path, tmp_path / "hub", offline=True)
    assert run.returncode == 0, run.stderr[-3000:]
    face = tmp_path / "new" / "folders" / "face.png"  # --out creates the folders
    assert Image.open(face).size == (128, 128) and "s2fgan" in Image.open(face).text["Software"]


def test_generate_without_the_default_weights_says_how_to_get_them(tmp_path: Path) -> None:
    run = run_default_generate(tmp_path, tmp_path / "empty-cache", offline=False)
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-1]
    assert "the Hub repo s2fgan/s2fgan-synth-128 is not in the Hugging Face cache" in last
    assert "cannot be reached: get it with `hf download s2fgan/s2fgan-synth-128`" in last
    assert "Traceback" not in run.stderr


def test_generate_help_shows_the_default_and_that_out_makes_folders(capsys) -> None:
    from s2fgan.cli import main

    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "s2fgan/s2fgan-synth-128" in text and "missing folders are created" in text
