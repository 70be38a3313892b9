"""Styles: a style recolours a sketch's portrait from the StyleBank and keeps its layout."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from s2fgan.cli import main
from s2fgan.constants import REGIONS
from s2fgan.models.style_bank import StyleBank
from s2fgan.pipelines import SketchToFacePipeline
from s2fgan.training.style_bank import add_style_bank, build_style_bank


def _sketch() -> Image.Image:
    array = np.full((96, 96), 255, np.uint8)
    array[20:70, 30:33] = 0
    array[20:23, 30:80] = 0
    return Image.fromarray(array)


def test_a_style_recolours_the_sketch_face_and_keeps_its_layout(tiny_styled_pipeline):
    pipe = tiny_styled_pipeline
    layout = pipe.generator.layout
    textures = layout.slots(list(pipe.style_bank.config.regions), ["texture"])
    kept = [k for k in range(layout.num_ws) if k not in textures]
    own, styled = pipe(_sketch()), pipe(_sketch(), style=5)
    # style 5 is bank code 5 % 4 = 1: its textures, the sketch's w_base and shapes
    assert torch.equal(styled.ws[:, textures], pipe.style_bank.codes[1:2, textures])
    assert torch.equal(styled.ws[:, kept], own.ws[:, kept])
    # a texture never reaches the depths: the region layout is the same, the pixels are not
    a, b = pipe.generator(own.ws), pipe.generator(styled.ws)
    assert torch.allclose(a.masks, b.masks, atol=1e-6)
    assert (a.image - b.image).abs().max() > 1e-5
    assert styled.style == 5 and own.style is None and styled.seed is None


def test_each_face_of_a_batch_takes_the_next_style(tiny_styled_pipeline):
    pipe = tiny_styled_pipeline
    slot = pipe.generator.layout.slots(["hair"], ["texture"])
    out = pipe([_sketch(), _sketch()], style=2)
    assert torch.equal(out.ws[:, slot], pipe.style_bank.codes[2:4, slot])
    with pytest.raises(ValueError, match="styles must be integers >= 0"):
        pipe(_sketch(), style=-1)


def test_random_faces_are_the_banks_whole_codes(tiny_styled_pipeline, tiny_pipeline):
    pipe = tiny_styled_pipeline
    assert torch.equal(pipe.random_face(6).ws, pipe.style_bank.codes[2:3])
    # without a bank: the mapping network's faces
    assert not tiny_pipeline.has_style_bank
    assert torch.equal(tiny_pipeline.random_face(6).ws, tiny_pipeline.random_ws([6]))


def test_without_a_bank_styles_take_the_mapping_networks_colours(tiny_pipeline):
    pipe = tiny_pipeline
    plain, styled = pipe(_sketch()), pipe([_sketch(), _sketch()], style=3)
    textures = pipe.generator.layout.slots(list(REGIONS), ["texture"])
    shapes = [i for i in range(plain.ws.shape[1]) if i not in set(textures)]
    # (a batch of two encodes to the same codes up to float rounding)
    assert torch.allclose(styled.ws[:, shapes], plain.ws[:, shapes].expand(2, -1, -1), atol=1e-5)
    assert torch.equal(styled.ws[:, textures], pipe.random_ws([3, 4])[:, textures])
    again = pipe.restyle(plain, 3)
    assert torch.allclose(again.ws, styled.ws[:1], atol=1e-5) and again.style == 3
    with pytest.raises(ValueError, match="styles must be integers"):
        pipe.style_ws(plain.ws, [-1])
    with pytest.raises(ValueError, match="one style per code"):
        pipe.style_ws(plain.ws, [1, 2])


def test_restyle_changes_only_the_colours_of_a_result(tiny_styled_pipeline):
    pipe = tiny_styled_pipeline
    face = pipe.edit(pipe(_sketch(), style=0), {"Smiling": 3.0})
    again = pipe.restyle(face, 3)
    shapes = pipe.generator.layout.slots(["mouth", "skin"], ["shape"])
    assert torch.equal(again.ws[:, shapes], face.ws[:, shapes]) and again.style == 3
    assert not torch.equal(again.ws, face.ws)


def test_bank_checks_its_inputs():
    bank = StyleBank(w_dim=8, size=2)
    with pytest.raises(ValueError, match=r"ws must be \[2, 27, 8\]"):
        bank.fill(torch.zeros(3, 27, 8))
    with pytest.raises(ValueError, match="one style per code"):
        bank.apply(torch.zeros(2, 27, 8), [1])
    with pytest.raises(ValueError, match="integers >= 0"):
        bank.faces([1.5])
    with pytest.raises(ValueError, match="unknown regions"):
        StyleBank(w_dim=8, regions=["tail"])


def test_styles_come_from_train_seeds_only(tiny_pipeline):
    with pytest.raises(ValueError, match="TRAIN seeds"):
        build_style_bank(tiny_pipeline, size=4, first_seed=999_999_998, progress=False)


def test_add_style_bank_extends_a_saved_folder_and_loads_back(tiny_pipeline, tmp_path):
    folder = tmp_path / "pipe"
    tiny_pipeline.save_pretrained(folder)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    add_style_bank(folder, size=3, first_seed=10)
    index = json.loads((folder / "model_index.json").read_text())
    assert index["style_bank"] == ["s2fgan.models.style_bank", "StyleBank"]
    changed = [p.name for p, data in before.items() if p.read_bytes() != data]
    assert changed == ["model_index.json"]  # no other component is rewritten
    loaded = SketchToFacePipeline.from_pretrained(folder)
    assert loaded.has_style_bank and loaded.style_bank.config.size == 3
    assert "seeds 10..12" in loaded.style_bank.config.source
    again = tmp_path / "again"
    loaded.save_pretrained(again)
    reloaded = SketchToFacePipeline.from_pretrained(again)
    a = np.asarray(loaded(_sketch(), style=1).images[0])
    assert np.array_equal(a, np.asarray(reloaded(_sketch(), style=1).images[0]))


def test_styles_command_refuses_a_folder_without_a_pipeline(tmp_path, capsys):
    assert main(["styles", str(tmp_path)]) == 1
    assert "model_index.json" in capsys.readouterr().err


def test_generate_command_takes_a_colour_style(
    tiny_styled_pipeline, tiny_pipeline, tmp_path, capsys
):
    styled, plain = tmp_path / "styled", tmp_path / "plain"
    tiny_styled_pipeline.save_pretrained(styled)
    tiny_pipeline.save_pretrained(plain)
    _sketch().save(tmp_path / "sketch.png")
    argv = ["generate", "--sketch", str(tmp_path / "sketch.png"), "--style", "2"]
    assert main([*argv, "--pipeline", str(styled), "--out", str(tmp_path / "a.png")]) == 0
    with Image.open(tmp_path / "a.png") as png:
        assert json.loads(png.text["s2fgan"])["style"] == 2
    expected = np.asarray(tiny_styled_pipeline(_sketch(), style=2).images[0])
    assert np.array_equal(np.asarray(Image.open(tmp_path / "a.png").convert("RGB")), expected)
    assert main([*argv, "--pipeline", str(plain), "--out", str(tmp_path / "b.png")]) == 0
    expected = np.asarray(tiny_pipeline(_sketch(), style=2).images[0])
    assert np.array_equal(np.asarray(Image.open(tmp_path / "b.png").convert("RGB")), expected)


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda pipe, face: pipe(_sketch(), seed=1), r"pipe\(sketch, style=...\)"),
        (lambda pipe, face: pipe.restyle(face, seed=1), r"pipe.restyle\(result, style=...\)"),
        (lambda pipe, face: pipe.from_photo(face.images[0], seed=1), r"from_photo\(photo, style"),
        (lambda pipe, face: pipe.synthesize(face.ws, seed=1), r"synthesize\(ws, style=...\)"),
    ],
)
def test_the_former_colour_keyword_seed_names_style(tiny_pipeline, call, named):
    face = tiny_pipeline.random_face(seed=7)  # seed= still picks an identity here
    assert face.seed == 7
    with pytest.raises(TypeError, match=f"{named}.*seed= picks an identity in random_face"):
        call(tiny_pipeline, face)


def test_a_face_keeps_its_identity_seed_and_its_style_apart(tiny_pipeline, tmp_path):
    face = tiny_pipeline.restyle(tiny_pipeline.random_face(4), 9)
    assert (face.seed, face.style) == (4, 9)
    edited = tiny_pipeline.edit(face, {"Smiling": 1.0})
    assert (edited.seed, edited.style) == (4, 9)
    with Image.open(edited.save(tmp_path / "face.png")) as png:
        meta = json.loads(png.text["s2fgan"])
    assert (meta["seed"], meta["style"]) == (4, 9)
    photo = tiny_pipeline.from_photo(face.images[0], style=2)
    assert photo.style == 2 and photo.seed is None
    textures = tiny_pipeline.generator.layout.slots(list(REGIONS), ["texture"])
    assert torch.equal(photo.ws[:, textures], tiny_pipeline.random_ws([2])[:, textures])
