"""`s2fgan eval DIR` scores a saved pipeline through the FaceModel protocol."""

import json

from s2fgan.cli import main
from s2fgan.evaluation.pipeline_model import PipelineModel
from s2fgan.evaluation.protocol import FaceModel


def test_pipeline_is_a_face_model(tiny_pipeline):
    assert isinstance(PipelineModel(tiny_pipeline, 128), FaceModel)


def test_eval_scores_a_saved_pipeline(tiny_pipeline, tmp_path):
    tiny_pipeline.save_pretrained(tmp_path / "pipe")
    out = tmp_path / "results.json"
    argv = ["eval", str(tmp_path / "pipe"), "--out", str(out), "--num", "8"]
    argv += ["--num-edit", "4", "--num-swap", "4"]
    assert main(argv) == 0
    figures = json.loads(out.read_text())["figures"]
    assert 0 <= figures["sketch_miou"] <= 1
    assert set(figures["swap_effect"]) >= {"hair", "eyes", "mouth", "background"}
    assert "fd_styled" not in figures  # no StyleBank, no styled figures


def test_a_pipeline_with_styles_is_also_scored_in_its_styles(tiny_styled_pipeline, tmp_path):
    tiny_styled_pipeline.save_pretrained(tmp_path / "pipe")
    out = tmp_path / "results.json"
    argv = ["eval", str(tmp_path / "pipe"), "--out", str(out), "--num", "8"]
    argv += ["--num-edit", "4", "--num-swap", "4", "--plots", str(tmp_path / "plots")]
    assert main(argv) == 0
    results = json.loads(out.read_text())
    assert 0 <= results["figures"]["sketch_miou_styled"] <= 1
    assert results["figures"]["fd_styled"] >= 0 and results["samples"]["fd_styled"] == [4, 4]
    assert (tmp_path / "plots" / "examples.png").is_file()


def test_eval_refuses_a_folder_without_a_pipeline(tmp_path, capsys):
    assert main(["eval", str(tmp_path), "--out", str(tmp_path / "r.json")]) == 1
    assert "model_index.json" in capsys.readouterr().err
