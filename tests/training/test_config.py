"""Recipes under configs/: complete, or layered on the base they name; the loader applies it."""

import json
from pathlib import Path

import pytest

from s2fgan.cli import main
from s2fgan.training.config import TrainConfig, load_recipes

CONFIGS = Path(__file__).parents[2] / "configs"


def _write(folder: Path, name: str, fields: dict) -> Path:
    path = folder / name
    path.write_text(json.dumps(fields))
    return path


def test_the_first_file_brings_its_bases_and_a_later_file_layers_on_what_came_before(tmp_path):
    _write(tmp_path, "base.json", {"steps": 10, "lr": 0.5, "seed": 3})
    _write(tmp_path, "over.json", {"base": "base.json", "lr": 0.1})
    top = _write(tmp_path, "top.json", {"base": "over.json", "batch_size": 4})
    assert load_recipes([top]) == {"steps": 10, "lr": 0.1, "seed": 3, "batch_size": 4}
    other = _write(tmp_path, "other.json", {"steps": 99})
    # after another recipe, over.json changes lr only: base.json's steps and seed stay out
    assert load_recipes([other, tmp_path / "over.json"]) == {"steps": 99, "lr": 0.1}


def test_a_base_in_another_folder_is_named_relative_to_the_overlay(tmp_path):
    (tmp_path / "recipes").mkdir()
    _write(tmp_path / "recipes", "base.json", {"steps": 10})
    overlay = _write(tmp_path, "overlay.json", {"base": "recipes/base.json", "lr": 0.1})
    assert load_recipes([overlay]) == {"steps": 10, "lr": 0.1}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"a.json": {"base": "gone.json"}},
            r"a\.json names as its base .*gone\.json, which does not",
        ),
        ({"a.json": {"base": "b.json"}, "b.json": {"base": "a.json"}}, r"a\.json -> .*b\.json -> "),
        ({"a.json": {"base": 3}}, "base must name a config file, got 3"),
        (
            {"a.json": {"base": "b.json"}, "b.json": {"stepz": 1}},
            r"fields in .*b\.json: \['stepz'\]",
        ),
    ],
)
def test_a_missing_circular_or_bad_base_is_refused(tmp_path, files, message):
    for name, fields in files.items():
        _write(tmp_path, name, fields)
    first = _write(tmp_path, "first.json", {})
    with pytest.raises(ValueError, match=message):
        load_recipes([tmp_path / "a.json"])
    with pytest.raises(ValueError, match=message):  # checked after another file too
        load_recipes([first, tmp_path / "a.json"])


def test_the_command_line_refuses_a_missing_base_in_one_line(tmp_path, capsys):
    overlay = _write(tmp_path, "overlay.json", {"base": "v2-128.json", "lr": 0.1})
    assert main(["train", "--config", str(overlay), "--steps", "1"]) == 1
    err = capsys.readouterr().err
    assert "names as its base" in err and "v2-128.json" in err and "Traceback" not in err


def test_every_config_is_complete_or_names_a_base_and_loads_alone():
    names = sorted(p.name for p in CONFIGS.glob("*.json"))
    assert "synth128.json" in names and "gpu.json" in names
    for name in names:
        fields = json.loads((CONFIGS / name).read_text())
        if "base" in fields:
            assert (CONFIGS / fields["base"]).is_file(), name
        else:  # a complete recipe says what it trains on and where its run lives
            assert {"data", "out_dir"} <= set(fields), f"{name}: neither complete nor layered"
        TrainConfig(**load_recipes([CONFIGS / name]))


def test_the_layered_v2_recipe_is_one_file_or_the_three_in_order():
    files = ["v2-128.json", "v2-128-unframed.json", "v2-128-sliders.json"]
    alone = load_recipes([CONFIGS / files[-1]])
    assert alone == load_recipes([CONFIGS / f for f in files])
    assert alone["framing"] == "" and alone["max_minutes"] == 304 and alone["steps"] == 20000
    # the GPU settings complete the v2 recipe alone, and follow any recipe given before them
    gpu = json.loads((CONFIGS / "gpu.json").read_text())
    assert gpu.pop("base") == files[-1]
    assert load_recipes([CONFIGS / "gpu.json"]) == {**alone, **gpu}
    after_synth = load_recipes([CONFIGS / "synth128.json", CONFIGS / "gpu.json"])
    assert after_synth == {**load_recipes([CONFIGS / "synth128.json"]), **gpu}
