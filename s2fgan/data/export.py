"""Rendering portraits in chunks and writing them to a folder, in one of two layouts.

The engine's layout, written by `export_portraits` (one entry per seed):

    images/<seed>.png       RGB portrait
    masks/<seed>.png        8-bit greyscale, pixel value = region id (s2fgan.constants.REGIONS)
    masks_color/<seed>.png  the mask in REGION_COLORS (only with color_masks=True)
    sketches/<seed>.png     8-bit greyscale sketch, white paper = 255
    attributes.jsonl        one JSON object per portrait: seed, file names (relative to the
                            folder), attributes {name: +1/-1} and factors {name: number or list}
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import torch
from PIL import Image
from tqdm.auto import tqdm

from s2fgan.constants import ATTRIBUTES, REGIONS
from s2fgan.data.batch import PortraitBatch
from s2fgan.data.preview import colorize_mask, image_to_uint8, sketch_to_uint8

EXPORT_FOLDERS = ("images", "masks", "masks_color", "sketches")
INDEX_FILE = "attributes.jsonl"
LAYOUTS = ("engine", "celebamask-hq")

# CelebA's 40 attribute columns, in the order of the published annotation files
CELEBA_ATTRIBUTES = (
    "5_o_Clock_Shadow Arched_Eyebrows Attractive Bags_Under_Eyes Bald Bangs Big_Lips Big_Nose "
    "Black_Hair Blond_Hair Blurry Brown_Hair Bushy_Eyebrows Chubby Double_Chin Eyeglasses "
    "Goatee Gray_Hair Heavy_Makeup High_Cheekbones Male Mouth_Slightly_Open Mustache "
    "Narrow_Eyes No_Beard Oval_Face Pale_Skin Pointy_Nose Receding_Hairline Rosy_Cheeks "
    "Sideburns Smiling Straight_Hair Wavy_Hair Wearing_Earrings Wearing_Hat Wearing_Lipstick "
    "Wearing_Necklace Wearing_Necktie Young"
).split()
# the CelebAMask-HQ part file that carries each region (background has none)
REGION_PART = {
    "skin": "skin",
    "eyes": "l_eye",
    "brows": "l_brow",
    "mouth": "mouth",
    "nose": "nose",
    "ears": "l_ear",
    "hair": "hair",
    "neck": "neck",
    "cloth": "cloth",
    "eyeglasses": "eye_g",
    "hat": "hat",
    "earring": "ear_r",
}


class PortraitRenderer(Protocol):
    """Anything that renders portraits by seed, like `SyntheticPortraits`."""

    def render(self, seeds: Sequence[int]) -> PortraitBatch: ...


def _check_seeds(seeds: Sequence[int]) -> list[int]:
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("no seeds given: need at least one portrait")
    if min(seeds) < 0:
        raise ValueError(f"seeds must be non-negative, got {min(seeds)}")
    if len(set(seeds)) != len(seeds):
        raise ValueError("seeds must be distinct (each names its own files)")
    return seeds


def iter_chunks(
    engine: PortraitRenderer, seeds: Sequence[int], batch_size: int = 64
) -> Iterator[PortraitBatch]:
    """Render `seeds` in order, `batch_size` at a time, yielding one batch per chunk."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    seeds = list(seeds)
    for start in range(0, len(seeds), batch_size):
        yield engine.render(seeds[start : start + batch_size])


def render_chunked(
    engine: PortraitRenderer, seeds: Sequence[int], batch_size: int = 64, progress: bool = False
) -> PortraitBatch:
    """Render `seeds` in chunks of `batch_size` and join them into one batch."""
    seeds = _check_seeds(seeds)
    chunks = []
    with tqdm(total=len(seeds), unit="portrait", desc="render", disable=not progress) as bar:
        for chunk in iter_chunks(engine, seeds, batch_size):
            chunks.append(chunk)
            bar.update(len(chunk))
    if len(chunks) == 1:
        return chunks[0]
    return PortraitBatch(
        image=torch.cat([c.image for c in chunks]),
        mask=torch.cat([c.mask for c in chunks]),
        sketch=torch.cat([c.sketch for c in chunks]),
        attributes=torch.cat([c.attributes for c in chunks]),
        factors={k: torch.cat([c.factors[k] for c in chunks]) for k in chunks[0].factors},
        seeds=torch.cat([c.seeds for c in chunks]) if chunks[0].seeds is not None else None,
    )


def _plain(value: torch.Tensor) -> float | int | bool | list:
    """A factor entry as JSON numbers: floats rounded to 6 decimals, nested lists kept."""
    item = value.tolist()

    def rnd(x):
        if isinstance(x, list):
            return [rnd(v) for v in x]
        return round(x, 6) if isinstance(x, float) else x

    return rnd(item)


def _previous_export_files(out_dir: Path) -> list[Path]:
    from s2fgan.data.celebamask_hq import ATTRIBUTE_FILE, IMAGE_DIR, MASK_DIR

    files = [out_dir / INDEX_FILE, out_dir / f"{INDEX_FILE}.partial", out_dir / ATTRIBUTE_FILE]
    for folder in EXPORT_FOLDERS:
        files += sorted((out_dir / folder).glob("*.png"))
    files += sorted((out_dir / IMAGE_DIR).glob("*.jpg"))
    files += sorted((out_dir / MASK_DIR).glob("*/*.png"))
    return [f for f in files if f.is_file()]


def prepare_output_folder(out_dir: str | os.PathLike, overwrite: bool = False) -> Path:
    """Check that `out_dir` can take an export, and clear a previous export if `overwrite`.

    Raises:
        NotADirectoryError: `out_dir` exists and is a file.
        FileExistsError: `out_dir` is not empty and `overwrite` is False (nothing is touched).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not overwrite:
            raise FileExistsError(f"output folder {out_dir} is not empty")
        # Only the files an export writes go; anything else the user keeps there stays.
        for path in _previous_export_files(out_dir):
            path.unlink()
    return out_dir


def export_portraits(
    engine: PortraitRenderer,
    seeds: Sequence[int],
    out_dir: str | os.PathLike,
    batch_size: int = 64,
    progress: bool = True,
    overwrite: bool = False,
    color_masks: bool = False,
) -> Path:
    """Render one portrait per seed and write it to `out_dir` (layout in the module docstring).

    Args:
        engine: the renderer, e.g. `SyntheticPortraits(resolution=128)`.
        seeds: distinct non-negative seeds; file names are `<seed>.png`.
        out_dir: folder to write; created if missing; must be empty unless `overwrite`.
        batch_size: portraits rendered per call of `engine.render`.
        progress: show a tqdm progress bar.
        overwrite: replace a previous export in a non-empty `out_dir` (its PNG files in the
            export's sub-folders and its index); other files are left alone.
        color_masks: also write `masks_color/<seed>.png`.

    Returns:
        Path of the JSONL index. It appears only once every portrait is written.
    """
    seeds = _check_seeds(seeds)
    out_dir = prepare_output_folder(out_dir, overwrite=overwrite)
    folders = ["images", "masks", "sketches"] + (["masks_color"] if color_masks else [])
    for folder in folders:
        (out_dir / folder).mkdir(parents=True, exist_ok=True)

    index = out_dir / INDEX_FILE
    partial = out_dir / f"{INDEX_FILE}.partial"
    with (
        partial.open("w", encoding="utf-8") as lines,
        tqdm(total=len(seeds), unit="portrait", desc="export", disable=not progress) as bar,
    ):
        done = 0
        for batch in iter_chunks(engine, seeds, batch_size):
            chunk_seeds, done = seeds[done : done + len(batch)], done + len(batch)
            images = image_to_uint8(batch.image)  # [B, H, W, 3]
            sketches = sketch_to_uint8(batch.sketch)  # [B, H, W]
            colors = colorize_mask(batch.mask)  # [B, H, W, 3], validates the ids
            masks = batch.mask.cpu().numpy().astype("uint8")  # [B, H, W]
            for i, seed in enumerate(chunk_seeds):
                files = {
                    "image": f"images/{seed}.png",
                    "mask": f"masks/{seed}.png",
                    "sketch": f"sketches/{seed}.png",
                }
                Image.fromarray(images[i]).save(out_dir / files["image"])
                Image.fromarray(masks[i]).save(out_dir / files["mask"])
                Image.fromarray(sketches[i]).save(out_dir / files["sketch"])
                if color_masks:
                    files["mask_color"] = f"masks_color/{seed}.png"
                    Image.fromarray(colors[i]).save(out_dir / files["mask_color"])
                record = {
                    "seed": seed,
                    **files,
                    "attributes": dict(
                        zip(ATTRIBUTES, map(int, batch.attributes[i].tolist()), strict=True)
                    ),
                    "factors": {name: _plain(v[i]) for name, v in batch.factors.items()},
                }
                lines.write(json.dumps(record) + "\n")
            bar.update(len(batch))
    os.replace(partial, index)
    return index


def export_celebamask_hq(
    engine: PortraitRenderer,
    seeds: Sequence[int],
    out_dir: str | os.PathLike,
    batch_size: int = 64,
    progress: bool = True,
    overwrite: bool = False,
) -> Path:
    """Render one portrait per seed and write them in CelebAMask-HQ's published layout (see
    the module docstring): photos as JPEG, one binary part mask per region present.

    Returns:
        Path of the attribute annotation file. It appears only once every portrait is written.
    """
    from s2fgan.data.celebamask_hq import (
        ATTRIBUTE_FILE,
        IMAGE_DIR,
        IMAGES_PER_MASK_FOLDER,
        MASK_DIR,
    )

    seeds = _check_seeds(seeds)
    out_dir = prepare_output_folder(out_dir, overwrite=overwrite)
    (out_dir / IMAGE_DIR).mkdir(parents=True, exist_ok=True)
    column = [ATTRIBUTES.index(name) if name in ATTRIBUTES else None for name in CELEBA_ATTRIBUTES]
    rows = []
    with tqdm(total=len(seeds), unit="portrait", desc="export", disable=not progress) as bar:
        done = 0
        for batch in iter_chunks(engine, seeds, batch_size):
            chunk_seeds, done = seeds[done : done + len(batch)], done + len(batch)
            images = image_to_uint8(batch.image)  # [B, H, W, 3]
            masks = batch.mask.cpu().numpy()  # [B, H, W]
            for i, seed in enumerate(chunk_seeds):
                Image.fromarray(images[i]).save(out_dir / IMAGE_DIR / f"{seed}.jpg", quality=95)
                folder = out_dir / MASK_DIR / str(seed // IMAGES_PER_MASK_FOLDER)
                folder.mkdir(parents=True, exist_ok=True)
                for region, part in REGION_PART.items():
                    covered = masks[i] == REGIONS.index(region)
                    if covered.any():
                        part_image = Image.fromarray(covered.astype("uint8") * 255)
                        part_image.save(folder / f"{seed:05d}_{part}.png")
                values = batch.attributes[i].tolist()
                cells = ["-1" if j is None else str(int(values[j])) for j in column]
                rows.append(f"{seed}.jpg " + " ".join(cells))
            bar.update(len(batch))
    index = out_dir / ATTRIBUTE_FILE
    partial = out_dir / f"{ATTRIBUTE_FILE}.partial"
    lines = [str(len(rows)), " ".join(CELEBA_ATTRIBUTES), *rows]
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(partial, index)
    return index
