"""The `s2fgan` command, run in-process: data preview, data export and user errors."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from s2fgan import __version__
from s2fgan.cli import main
from s2fgan.constants import ATTRIBUTES
from s2fgan.data import SyntheticPortraits
from s2fgan.data.image_io import image_to_uint8, sketch_to_uint8
from s2fgan.data.preview import grid_layout

RES = 64


def _export(out: Path, *extra: str) -> int:
    return main(["data", "export", "--out", str(out), "--resolution", str(RES), *extra])


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"s2fgan {__version__}"


def test_preview_writes_a_grid_of_the_requested_portraits(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "grid.png"
    args = ["--n", "5", "--columns", "2", "--seed", "7", "--resolution", str(RES)]
    assert main(["data", "preview", *args, "--out", str(out)]) == 0
    grid = Image.open(out)
    assert grid.format == "PNG"
    layout = grid_layout(5, 2, RES, RES)
    assert grid.size == layout.size
    assert grid.size[1] == layout.pad + 3 * (layout.cell_height + layout.pad)  # 3 rows
    # Cell i shows seed 7 + i: check the first and the last.
    pixels = np.asarray(grid.convert("RGB"))
    engine = SyntheticPortraits(resolution=RES)
    for cell, seed in ((0, 7), (4, 11)):
        x, y = layout.panel_origin(cell, 0)
        expected = image_to_uint8(engine.render([seed]).image)[0]
        np.testing.assert_array_equal(pixels[y : y + RES, x : x + RES], expected)


def test_export_writes_files_that_match_the_engine(tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert _export(out, "--n", "6", "--seed", "10", "--color-masks") == 0
    seeds = list(range(10, 16))
    for folder in ("images", "masks", "masks_color", "sketches"):
        assert sorted(p.name for p in (out / folder).iterdir()) == sorted(f"{s}.png" for s in seeds)
    records = [json.loads(line) for line in (out / "attributes.jsonl").read_text().splitlines()]
    assert [r["seed"] for r in records] == seeds
    assert not (out / "attributes.jsonl.partial").exists()

    truth = SyntheticPortraits(resolution=RES).render(seeds)
    for i, record in enumerate(records):
        assert list(record["attributes"]) == list(ATTRIBUTES)
        assert list(record["attributes"].values()) == truth.attributes[i].int().tolist()
        for name, value in truth.factors.items():
            assert np.allclose(record["factors"][name], value[i].tolist(), atol=1e-6)
        mask = np.asarray(Image.open(out / record["mask"]))
        assert mask.dtype == np.uint8
        np.testing.assert_array_equal(mask, truth.mask[i].numpy())
        image = np.asarray(Image.open(out / record["image"]))
        np.testing.assert_array_equal(image, image_to_uint8(truth.image)[i])
        sketch = np.asarray(Image.open(out / record["sketch"]))
        np.testing.assert_array_equal(sketch, sketch_to_uint8(truth.sketch)[i])


def test_export_in_chunks_keeps_seed_order_and_labels(tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert _export(out, "--n", "7", "--seed", "3", "--batch-size", "3") == 0
    records = [json.loads(line) for line in (out / "attributes.jsonl").read_text().splitlines()]
    assert [r["seed"] for r in records] == list(range(3, 10))
    truth = SyntheticPortraits(resolution=RES).render(list(range(3, 10))).attributes
    labels = torch.tensor([list(r["attributes"].values()) for r in records], dtype=torch.float32)
    assert torch.equal(labels, truth)
    assert len(list((out / "images").iterdir())) == 7


def test_export_refuses_a_non_empty_folder_without_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export"
    assert _export(out, "--n", "4") == 0
    (out / "notes.txt").write_text("mine")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    capsys.readouterr()

    assert _export(out, "--n", "2", "--seed", "50") == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "--overwrite" in err and "Traceback" not in err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before

    # With --overwrite the previous export is replaced, the user's own file stays.
    assert _export(out, "--n", "2", "--seed", "50", "--overwrite") == 0
    assert sorted(p.name for p in (out / "images").iterdir()) == ["50.png", "51.png"]
    assert len((out / "attributes.jsonl").read_text().splitlines()) == 2
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("command", ["preview", "export"])
def test_zero_portraits_is_a_one_line_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / ("grid.png" if command == "preview" else "export")
    with pytest.raises(SystemExit) as info:
        main(["data", command, "--n", "0", "--out", str(out)])
    assert info.value.code != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--n" in err and "positive integer" in err
    assert not out.exists()


def test_user_errors_exit_non_zero_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "preview", "--n", "2", "--out", str(tmp_path / "grid.jpg")]) == 1
    assert ".png" in capsys.readouterr().err
    assert (
        main(["data", "preview", "--n", "2", "--resolution", "8", "--out", str(tmp_path / "x.png")])
        == 1
    )
    assert "resolution" in capsys.readouterr().err
    (tmp_path / "file").write_text("")
    assert _export(tmp_path / "file", "--n", "1") == 1
    assert "not a folder" in capsys.readouterr().err
