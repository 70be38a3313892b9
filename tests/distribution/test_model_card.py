"""The model card: generated from card.json + results.json, committed exactly as rendered."""

import json
import re
from pathlib import Path

import pytest
from distribution_helpers import REPO_ID, WEIGHTS, edit_json
from huggingface_hub import ModelCard

from s2fgan.cli import main
from s2fgan.errors import UserError
from s2fgan.hub.card import render_card
from s2fgan.hub.folder import weights_sha256

PAPERS = (
    "S2FGAN: Semantically Aware Interactive Sketch-to-Face Translation",
    "SemanticStyleGAN: Learning Compositional Generative Priors",
    "SofGAN: A Portrait Image Generator with Dynamic Styling",
    "StyleGAN of All Trades: Image Manipulation with Only Pretrained StyleGAN",
)


def _row(card: str, first_cell: str) -> list[str]:
    """The cells of the Markdown table row that starts with first_cell."""
    for line in card.splitlines():
        if line.startswith(f"| {first_cell} |"):
            return [c.strip() for c in line.strip("|").split("|")]
    raise AssertionError(f"no row {first_cell!r}")


def test_committed_card_is_what_the_generator_renders_now() -> None:
    # If this fails: run `s2fgan card weights_card/s2fgan-synth-128` and commit README.md.
    assert (WEIGHTS / "README.md").read_text(encoding="utf-8") == render_card(WEIGHTS)
    assert main(["card", str(WEIGHTS), "--check"]) == 0


def test_committed_card_carries_the_metadata_and_the_real_figures() -> None:
    card = ModelCard.load(WEIGHTS / "README.md")
    data = card.data.to_dict()
    assert data["library_name"] == "s2fgan"
    assert data["pipeline_tag"] == "image-to-image"
    assert data["license"] == "mit"
    assert {"sketch-to-image", "face-editing", "synthetic-data"} <= set(data["tags"])
    assert "SyntheticPortraits" in data["training_data"]

    figures = json.loads((WEIGHTS / "results.json").read_text())["figures"]
    metrics = {r.metric_type: r.metric_value for r in card.data.eval_results}
    for key in ("sketch_miou", "attr_success_mean", "attr_leak_mean", "fd", "recon_miou"):
        assert metrics[key] == pytest.approx(figures[key], abs=1e-4)
    assert _row(card.text, "`sketch_miou`")[1] == f"{figures['sketch_miou']:.3f}"
    assert _row(card.text, "Eyeglasses")[1:] == [
        f"{figures['attr_success']['Eyeglasses']:.3f}",
        f"{figures['attr_leak']['Eyeglasses']:.3f}",
    ]
    record = json.loads((WEIGHTS / "card.json").read_text())
    assert f'from_pretrained("{record["repo_id"]}")' in card.text
    assert f"weights in this repository are from\nstep {record['weights']['step']}**" in card.text
    for section in ("## Training data", "## Limitations", "## Bias, risks and misuse"):
        assert section in card.text
    assert "never seen a photograph" in card.text and "Deepfakes" in card.text
    for title in PAPERS:
        assert title in card.text
    for image in record["images"]:
        assert f"]({image['path']})" in card.text


def test_targets_met_follow_the_figures(weights_folder: Path) -> None:
    def all_met(results: dict) -> None:
        f = results["figures"]
        f.update(sketch_miou=0.8, attr_success_mean=0.95, attr_success_min=0.8)
        f.update(fd=100.0, fd_floor=31.1)
        f["swap_effect"] = {region: 0.1 for region in f["swap_effect"]}

    edit_json(weights_folder / "results.json", all_met)
    card = render_card(weights_folder)
    assert "\n# tiny-64\n" in card
    assert "**Meets 7 of 7 quality targets.**" in card
    assert _row(card, "`fd` (`fd_floor`)")[1:4] == [
        "100.0 (31.1; 3.2x)",
        "<= 4 x `fd_floor`",
        "yes",
    ]

    def one_missed(results: dict) -> None:
        results["figures"]["swap_effect"]["mouth"] = 0.04

    edit_json(weights_folder / "results.json", one_missed)
    card = render_card(weights_folder)
    assert "\n# tiny-64 (work in progress: misses 1 of 7 quality targets)\n" in card
    assert _row(card, "`swap_effect` (hair, eyes, mouth, background)")[1:4] == [
        "0.100, 0.100, 0.040, 0.100",
        ">= 0.05 each",
        "**no**",
    ]


def test_training_record_says_which_segments_the_weights_hold(weights_folder: Path) -> None:
    card = render_card(weights_folder)
    assert _row(card, "3")[4] == "yes"
    assert _row(card, "4")[4] == "no (after these weights)"
    assert _row(card, "0")[4] == "no (discarded)"
    assert "in these weights: 83 min (1 h 23 min); discarded runs: 10 min; segments after" in card

    # The lead swaps in the segment-4 weights: one field says so.
    edit_json(weights_folder / "card.json", lambda c: c["weights"].update(step=3250))
    card = render_card(weights_folder)
    assert _row(card, "4")[4] == "yes"
    assert "from\nstep 3250**, the end of segment 4" in card
    assert "in these weights: 103.5 min (1 h 44 min); discarded runs: 10 min." in card


def test_card_command_rewrites_a_stale_card(weights_folder: Path, capsys) -> None:
    readme = weights_folder / "README.md"
    readme.write_text("hand-edited\n")
    assert main(["card", str(weights_folder), "--check"]) == 1
    assert "README.md is out of date; run `s2fgan card" in capsys.readouterr().err
    assert main(["card", str(weights_folder)]) == 0
    assert readme.read_text() == render_card(weights_folder)
    assert f'from_pretrained("{REPO_ID}")' in readme.read_text()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: c["weights"].update(step=3000),
            "weights.step 3000 is not the last step of a kept",
        ),
        (lambda c: c.update(colour="red"), "card.json: unknown colour"),
        (lambda c: c["training"].pop("fresh_run"), "training: missing fresh_run"),
        (lambda c: c["training"]["segments"][2].update(start=900), "a gap in the kept record"),
        (lambda c: c["images"].append({"path": "showcase.png", "caption": "x"}), "lacks"),
    ],
)
def test_bad_card_data_is_refused_with_its_field(weights_folder: Path, change, message) -> None:
    edit_json(weights_folder / "card.json", change)
    with pytest.raises(UserError, match=re.escape(message)):
        render_card(weights_folder)


def test_replaced_weights_are_refused_until_the_record_names_them(weights_folder: Path) -> None:
    config = weights_folder / "mapping" / "config.json"
    edit_json(config, lambda c: c.update(_name_or_path="elsewhere"))
    with pytest.raises(UserError, match="the weights are not the ones card.json describes") as info:
        render_card(weights_folder)
    assert f'set weights.sha256 to "{weights_sha256(weights_folder)}"' in str(info.value)


def test_missing_inputs_say_how_to_make_them(weights_folder: Path, tmp_path: Path) -> None:
    (weights_folder / "results.json").unlink()
    with pytest.raises(UserError, match=re.escape(f"make it with `s2fgan eval {weights_folder}")):
        render_card(weights_folder)
    with pytest.raises(UserError, match="no folder"):
        render_card(tmp_path / "nowhere")
    with pytest.raises(UserError, match="has no model_index.json: not a saved pipeline"):
        render_card(tmp_path)
