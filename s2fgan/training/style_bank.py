"""Build a pipeline's StyleBank: training portraits of the data engine through the pipeline's
own tensor-level encode and swap (`s2fgan styles FOLDER`, and the end of
`s2fgan train --export-pipeline`)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import torch
from tqdm import tqdm

from s2fgan.constants import REGIONS, TRAIN_SEEDS
from s2fgan.data import SyntheticPortraits
from s2fgan.models.style_bank import StyleBank
from s2fgan.pipelines.loading import MODEL_INDEX, check_folder, load_pipeline
from s2fgan.pipelines.sketch_to_face import SketchToFacePipeline

logger = logging.getLogger(__name__)


@torch.no_grad()
def build_style_bank(
    pipe: SketchToFacePipeline,
    size: int = 256,
    first_seed: int = 0,
    batch_size: int = 32,
    progress: bool = True,
) -> StyleBank:
    """Encode the engine's portraits of seeds first_seed .. first_seed + size - 1 (TRAIN seeds,
    never the held-out split) through the pipeline's own encoders: w_base and shapes from
    their sketches (sharper than the photo codes' shapes, which meet no discriminator),
    textures from their photos."""
    last = first_seed + size - 1
    if size < 1 or first_seed not in TRAIN_SEEDS or last not in TRAIN_SEEDS:
        raise ValueError(
            f"styles come from TRAIN seeds {TRAIN_SEEDS.start}..{TRAIN_SEEDS.stop - 1}; "
            f"got seeds {first_seed}..{last}"
        )
    engine = SyntheticPortraits(pipe.resolution)
    pipe.sketch_encoder.eval()
    pipe.image_encoder.eval()
    codes = []
    for start in tqdm(range(first_seed, last + 1, batch_size), desc="styles", disable=not progress):
        batch = engine.render(range(start, min(start + batch_size, last + 1)))
        shapes = pipe.encode_sketch(batch.sketch)
        textures = pipe.encode_photo(batch.image)
        ws = pipe.swap_ws(shapes, textures, REGIONS, parts=("texture",))
        codes.append(ws.float().cpu())
    ws = torch.cat(codes)
    bank = StyleBank(
        num_regions=(ws.shape[1] - 1) // 2,
        w_dim=ws.shape[2],
        size=size,
        source=(
            f"SyntheticPortraits({pipe.resolution}) seeds {first_seed}..{last} (TRAIN): shapes "
            "through the sketch encoder, textures through the image encoder"
        ),
    )
    bank.fill(ws)
    return bank


def add_style_bank(folder: Path, size: int = 256, first_seed: int = 0) -> StyleBank:
    """Build a StyleBank with a saved pipeline folder's encoders and save it there as
    the `style_bank` component (model_index.json gains it; the other components are
    untouched). Replaces an existing one."""
    folder = check_folder(folder)  # UserError when it is no saved pipeline folder
    bank = build_style_bank(load_pipeline(folder, device="cpu"), size=size, first_seed=first_seed)
    bank.save_pretrained(folder / "style_bank")
    index = json.loads((folder / MODEL_INDEX).read_text())
    index["style_bank"] = [StyleBank.__module__, StyleBank.__name__]
    (folder / MODEL_INDEX).write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    logger.info("style bank of %d styles saved in %s", size, folder / "style_bank")
    return bank
