"""space/: the Space's YAML front matter parses and names files and versions that exist."""

from pathlib import Path

import gradio
from huggingface_hub import metadata_load

SPACE = Path(__file__).resolve().parents[2] / "space"


def test_front_matter_names_real_files_and_the_tested_gradio():
    meta = metadata_load(SPACE / "README.md")
    assert meta["sdk"] == "gradio"
    # the Space pins an exact version; the tests run the same major version
    assert meta["sdk_version"].split(".")[0] == gradio.__version__.split(".")[0]
    assert (SPACE / meta["app_file"]).is_file()
    assert (SPACE / "requirements.txt").is_file()
    assert meta["license"] and meta["models"] == ["s2fgan/s2fgan-synth-128"]
    assert 0 < len(meta["short_description"]) <= 60  # the Hub's limit
    assert meta["title"]


def test_space_app_runs_the_package_app():
    text = (SPACE / "app.py").read_text()
    assert "from s2fgan.app import build_demo, load_pipeline" in text
    compile(text, "space/app.py", "exec")


def test_the_app_installs_accelerate_so_loading_is_quiet():
    # without accelerate, every load prints "Cannot initialize model with low cpu memory usage"
    pyproject = (SPACE.parent / "pyproject.toml").read_text().splitlines()
    (app_extra,) = [line for line in pyproject if line.startswith("app = [")]
    assert '"accelerate' in app_extra
    assert "accelerate" in (SPACE / "requirements.txt").read_text().split()
