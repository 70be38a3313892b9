"""Loader for CelebAMask-HQ in its published folder layout.

Follows Lee, Liu, Wu and Luo, "MaskGAN: Towards Diverse and Interactive Facial Image
Manipulation", CVPR 2020, which released CelebAMask-HQ as::

    root/CelebA-HQ-img/<id>.jpg                                  1024x1024 photos, id 0..29999
    root/CelebAMask-HQ-mask-anno/<id // 2000>/<id:05d>_<part>.png  512x512 binary part masks
    root/CelebAMask-HQ-attribute-anno.txt                        CelebA's 40 attributes, +-1

The 18 part masks are merged into SemanticStyleGAN's 13 regions (`s2fgan.constants.REGIONS`,
via `CELEBAMASK_PARTS`), and the 12 attributes S2FGAN edits are picked by name from the 40.
Sketches are drawn from the resized photo by `photo_to_sketch` (XDoG), as no hand-drawn
sketches exist for this data set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from s2fgan.constants import ATTRIBUTES, CELEBAMASK_PARTS, REGION_INDEX
from s2fgan.data.batch import PortraitBatch
from s2fgan.data.image_io import load_image, open_image, pil_to_tensor
from s2fgan.data.photo_to_sketch import photo_to_sketch

logger = logging.getLogger(__name__)

IMAGE_DIR = "CelebA-HQ-img"
MASK_DIR = "CelebAMask-HQ-mask-anno"
ATTRIBUTE_FILE = "CelebAMask-HQ-attribute-anno.txt"
IMAGES_PER_MASK_FOLDER = 2000

# The annotators outlined every part whole, so part masks overlap (the skin polygon runs under
# the eyes, hair lies over ears, neck and cloth). Parts are painted back to front, later ones
# overwriting earlier ones, so that each pixel gets the part nearest to the camera:
#   - skin first: it is the face surface under every facial feature;
#   - nose, eyes, brows, ears, mouth and lips: features lying on the skin;
#   - neck (and necklace, merged into neck), then cloth: a collar covers the neck;
#   - hair after those: it falls over ears, neck and shoulders; hat over hair;
#   - eyeglasses and earrings last: they sit in front of eyes, brows, ears and hair, and they are
#     small, rare classes that would otherwise be erased by the large polygons around them.
# (The data set's own script g_mask.py uses another order; ours favours the visible layer.)
PART_PRIORITY: tuple[str, ...] = (
    "skin",
    "nose",
    "l_eye",
    "r_eye",
    "l_brow",
    "r_brow",
    "l_ear",
    "r_ear",
    "mouth",
    "u_lip",
    "l_lip",
    "neck",
    "neck_l",
    "cloth",
    "hair",
    "hat",
    "eye_g",
    "ear_r",
)


def _parse_attribute_file(path: Path) -> tuple[list[int], np.ndarray]:
    """Read the attribute annotation file.

    Returns:
        ids: image ids in file order.
        values: [len(ids), 12] int8 in {-1, +1}, columns in the order of `ATTRIBUTES`.
    """
    if not path.is_file():
        raise FileNotFoundError(f"CelebAMask-HQ attribute file not found: {path}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise ValueError(f"attribute file {path} is not a text file: {error}") from error
    lines = [line for line in lines if line.strip()]
    if len(lines) < 2:
        raise ValueError(
            f"attribute file {path} is malformed: expected a count line and a names line, "
            f"got {len(lines)} non-empty line(s)"
        )
    try:
        count = int(lines[0].strip())
    except ValueError as error:
        raise ValueError(
            f"attribute file {path} is malformed: line 1 must be the image count, "
            f"got {lines[0].strip()[:50]!r}"
        ) from error
    names = lines[1].split()
    missing = [name for name in ATTRIBUTES if name not in names]
    if missing:
        raise ValueError(f"attribute file {path} lacks the attribute column(s) {missing}")
    columns = [names.index(name) for name in ATTRIBUTES]

    rows = lines[2:]
    if len(rows) != count:
        raise ValueError(
            f"attribute file {path} is malformed: line 1 announces {count} images, "
            f"but {len(rows)} rows follow"
        )
    ids: list[int] = []
    values = np.empty((len(rows), len(ATTRIBUTES)), dtype=np.int8)
    seen: set[int] = set()
    for row, line in enumerate(rows):
        fields = line.split()
        line_no = row + 3
        if len(fields) != len(names) + 1:
            raise ValueError(
                f"attribute file {path} is malformed at line {line_no}: expected a file name "
                f"and {len(names)} values, got {len(fields)} fields"
            )
        stem, ext = os.path.splitext(fields[0])
        if not stem.isdigit() or ext.lower() != ".jpg":
            raise ValueError(
                f"attribute file {path} is malformed at line {line_no}: expected '<id>.jpg', "
                f"got {fields[0]!r}"
            )
        image_id = int(stem)
        if image_id in seen:
            raise ValueError(f"attribute file {path} lists {fields[0]} twice (line {line_no})")
        seen.add(image_id)
        picked = [fields[1 + column] for column in columns]
        if any(value not in ("1", "-1") for value in picked):
            raise ValueError(
                f"attribute file {path} is malformed at line {line_no}: attribute values must "
                f"be 1 or -1, got {picked}"
            )
        ids.append(image_id)
        values[row] = [int(value) for value in picked]
    return ids, values


class CelebAMaskHQ(Dataset):
    """CelebAMask-HQ photos with merged region masks, XDoG sketches and 12 attributes.

    Construction checks what is cheap: the folders and the attribute file exist, the attribute
    file parses and holds the 12 attributes, the requested ids are annotated and their mask
    folders exist. Photos and part masks are read, and checked, when an item is loaded. Part
    files are optional (most portraits have no hat, earring or eyeglasses); a portrait with no
    part file at all is all background.

    Args:
        root: folder holding `CelebA-HQ-img/`, `CelebAMask-HQ-mask-anno/` and
            `CelebAMask-HQ-attribute-anno.txt`.
        resolution: side of the square output, px. Photos are resized with an antialiased
            bilinear filter, masks with nearest neighbour.
        ids: image ids to serve, in this order (e.g. a train or test split); default: every id
            in the attribute file, in file order.

    Items (`dataset[i]`) are dicts:
        image: [3, R, R] float32 in [-1, 1].
        mask: [R, R] int64 region ids (`s2fgan.constants.REGIONS`).
        sketch: [1, R, R] float32 in [0, 1], white paper = 1 (XDoG of the resized image).
        attributes: [12] float32 in {-1, +1}, order of `s2fgan.constants.ATTRIBUTES`.
        seed: [] int64, the image id.
    """

    def __init__(
        self,
        root: str | os.PathLike,
        resolution: int = 128,
        ids: Sequence[int] | None = None,
    ) -> None:
        if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution <= 0:
            raise ValueError(f"resolution must be a positive int, got {resolution!r}")
        self.root = Path(root)
        self.resolution = resolution
        if not self.root.is_dir():
            raise FileNotFoundError(f"CelebAMask-HQ root folder not found: {self.root}")
        self.image_dir = self.root / IMAGE_DIR
        self.mask_dir = self.root / MASK_DIR
        for folder in (self.image_dir, self.mask_dir):
            if not folder.is_dir():
                raise FileNotFoundError(f"CelebAMask-HQ folder not found: {folder}")
        self.attribute_file = self.root / ATTRIBUTE_FILE
        file_ids, values = _parse_attribute_file(self.attribute_file)
        row_of = {image_id: row for row, image_id in enumerate(file_ids)}

        if ids is None:
            ids = file_ids
        ids = [int(image_id) for image_id in ids]
        unknown = [image_id for image_id in ids if image_id not in row_of]
        if unknown:
            raise ValueError(
                f"{len(unknown)} requested id(s) are not in {self.attribute_file}: {unknown[:10]}"
            )
        for folder_index in sorted({image_id // IMAGES_PER_MASK_FOLDER for image_id in ids}):
            folder = self.mask_dir / str(folder_index)
            if not folder.is_dir():
                raise FileNotFoundError(f"CelebAMask-HQ mask folder not found: {folder}")
        self.ids: list[int] = ids
        self._attributes = torch.from_numpy(
            values[[row_of[image_id] for image_id in ids]].astype(np.float32)
        ).reshape(len(ids), len(ATTRIBUTES))  # [N, 12]
        logger.info("CelebAMask-HQ: %d portraits from %s at %d px", len(ids), self.root, resolution)

    def __len__(self) -> int:
        return len(self.ids)

    def image_path(self, image_id: int) -> Path:
        """Path of the photo of `image_id`."""
        return self.image_dir / f"{image_id}.jpg"

    def part_path(self, image_id: int, part: str) -> Path:
        """Path of the `part` mask (a CelebAMask-HQ suffix such as "l_eye") of `image_id`."""
        folder = self.mask_dir / str(image_id // IMAGES_PER_MASK_FOLDER)
        return folder / f"{image_id:05d}_{part}.png"

    def load_mask(self, image_id: int) -> torch.Tensor:
        """Merge the part masks of `image_id` into one region map at `resolution`.

        Returns:
            [R, R] int64 region ids; pixels covered by no part are background (0).
        """
        merged: np.ndarray | None = None
        size: tuple[int, int] | None = None
        for part in PART_PRIORITY:
            path = self.part_path(image_id, part)
            if not path.is_file():
                continue
            part_image = open_image(path)
            if size is None:
                size = part_image.size
                merged = np.zeros((size[1], size[0]), dtype=np.uint8)
            elif part_image.size != size:
                raise ValueError(
                    f"part mask {path} is {part_image.size[0]}x{part_image.size[1]}, but other "
                    f"parts of image {image_id} are {size[0]}x{size[1]}"
                )
            # Part files are 0 / 255 grey; threshold at half so any anti-aliasing is tolerated.
            covered = np.asarray(part_image.convert("L")) > 127
            merged[covered] = REGION_INDEX[CELEBAMASK_PARTS[part]]
        if merged is None:
            logger.debug("no part masks for image %d: all background", image_id)
            return torch.zeros(self.resolution, self.resolution, dtype=torch.int64)
        resized = Image.fromarray(merged).resize(
            (self.resolution, self.resolution), Image.Resampling.NEAREST
        )
        return torch.from_numpy(np.asarray(resized).astype(np.int64))

    def load_image(self, image_id: int) -> torch.Tensor:
        """Photo of `image_id` at `resolution`: [3, R, R] float32 in [-1, 1]."""
        image = load_image(self.image_path(image_id))
        if image.size != (self.resolution, self.resolution):
            # PIL's bilinear filter widens its support when downscaling, i.e. it antialiases.
            image = image.resize((self.resolution, self.resolution), Image.Resampling.BILINEAR)
        return pil_to_tensor(image)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} portraits")
        image_id = self.ids[index]
        image = self.load_image(image_id)  # [3, R, R]
        return {
            "image": image,
            "mask": self.load_mask(image_id),  # [R, R]
            "sketch": photo_to_sketch(image),  # [1, R, R]
            "attributes": self._attributes[index].clone(),  # [12]
            "seed": torch.tensor(image_id, dtype=torch.int64),
        }

    @staticmethod
    def collate(items: Sequence[dict[str, torch.Tensor]]) -> PortraitBatch:
        """Stack items into a `PortraitBatch` (use as a DataLoader's `collate_fn`).

        Args:
            items: dicts as returned by `__getitem__`, all at the same resolution.

        Returns:
            PortraitBatch with image [N, 3, R, R], mask [N, R, R], sketch [N, 1, R, R],
            attributes [N, 12], seeds [N] (the image ids) and no factors.
        """
        if len(items) == 0:
            raise ValueError("cannot collate an empty list of items")
        return PortraitBatch(
            image=torch.stack([item["image"] for item in items]),
            mask=torch.stack([item["mask"] for item in items]),
            sketch=torch.stack([item["sketch"] for item in items]),
            attributes=torch.stack([item["attributes"] for item in items]),
            factors={},
            seeds=torch.stack([item["seed"] for item in items]),
        )
