"""A small weights folder (the tiny pipeline, saved, with card data, results and plots), built
like weights_card/s2fgan-synth-128 so that card and push tests can change it freely."""

import json
import shutil
from pathlib import Path

import pytest
from distribution_helpers import REPO_ID, SEGMENTS, WEIGHTS, edit_json
from PIL import Image

from s2fgan.hub.card import write_card
from s2fgan.hub.folder import weights_sha256


@pytest.fixture(scope="session")
def saved_pipeline(tmp_path_factory: pytest.TempPathFactory, tiny_pipeline) -> Path:
    folder = tmp_path_factory.mktemp("saved") / "tiny"
    tiny_pipeline.save_pretrained(folder)
    return folder


@pytest.fixture
def weights_folder(tmp_path: Path, saved_pipeline: Path) -> Path:
    """tmp_path/tiny-64: the saved tiny pipeline + the committed card.json (with repo_id
    org/tiny, the fixed SEGMENTS, weights from step 2700 and their fingerprint) and
    results.json + a small stand-in for each plot the card shows + its rendered card."""
    folder = tmp_path / "tiny-64"
    shutil.copytree(saved_pipeline, folder)
    shutil.copy(WEIGHTS / "results.json", folder / "results.json")
    shutil.copy(WEIGHTS / "card.json", folder / "card.json")
    for image in json.loads((folder / "card.json").read_text())["images"]:
        (folder / image["path"]).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (8, 8), "white").save(folder / image["path"])

    def retarget(card: dict) -> None:
        card["repo_id"] = REPO_ID
        card["weights"] = {"step": 2700, "sha256": weights_sha256(folder)}
        card["training"]["segments"] = SEGMENTS

    edit_json(folder / "card.json", retarget)
    write_card(folder)
    return folder
