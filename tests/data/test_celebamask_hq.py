"""CelebAMaskHQ on a tiny copy of the published folder layout written by the test."""

import re
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from s2fgan.constants import ATTRIBUTES, CELEBAMASK_PARTS, REGION_INDEX
from s2fgan.data.batch import PortraitBatch
from s2fgan.data.celebamask_hq import PART_PRIORITY, CelebAMaskHQ
from s2fgan.data.photo_to_sketch import photo_to_sketch

# CelebA's 40 attribute names in the file's (alphabetical) order: not the order of ATTRIBUTES.
CELEBA_NAMES = (
    "5_o_Clock_Shadow",
    "Arched_Eyebrows",
    "Attractive",
    "Bags_Under_Eyes",
    "Bald",
    "Bangs",
    "Big_Lips",
    "Big_Nose",
    "Black_Hair",
    "Blond_Hair",
    "Blurry",
    "Brown_Hair",
    "Bushy_Eyebrows",
    "Chubby",
    "Double_Chin",
    "Eyeglasses",
    "Goatee",
    "Gray_Hair",
    "Heavy_Makeup",
    "High_Cheekbones",
    "Male",
    "Mouth_Slightly_Open",
    "Mustache",
    "Narrow_Eyes",
    "No_Beard",
    "Oval_Face",
    "Pale_Skin",
    "Pointy_Nose",
    "Receding_Hairline",
    "Rosy_Cheeks",
    "Sideburns",
    "Smiling",
    "Straight_Hair",
    "Wavy_Hair",
    "Wearing_Earrings",
    "Wearing_Hat",
    "Wearing_Lipstick",
    "Wearing_Necklace",
    "Wearing_Necktie",
    "Young",
)
ATTRIBUTE_FILE = re.escape("CelebAMask-HQ-attribute-anno.txt")
IDS = (3, 7, 2005)  # 2005 lives in mask folder 1
MASK_SIZE = 64
# Parts of image 3, as [top, bottom) x [left, right) rectangles on the 64 px mask grid; several
# overlap so that the priority order decides.
PARTS_OF_3 = {
    "skin": (8, 56, 8, 56),
    "nose": (28, 40, 28, 36),  # inside skin
    "l_eye": (20, 26, 14, 24),
    "r_eye": (20, 26, 40, 50),
    "eye_g": (18, 28, 12, 26),  # covers l_eye whole
    "hair": (0, 16, 0, 64),  # over the top of the skin
    "hat": (0, 6, 16, 48),  # over the hair
    "u_lip": (44, 48, 24, 40),
    "neck": (56, 64, 20, 44),
    "cloth": (60, 64, 0, 64),  # over the bottom of the neck
}


def _value(image_id: int, column: int) -> int:
    return 1 if (image_id + column) % 3 == 0 else -1


def _write_attribute_file(root: Path, ids=IDS, names=CELEBA_NAMES) -> None:
    lines = [str(len(ids)), " ".join(names)]
    for image_id in ids:
        values = "  ".join(str(_value(image_id, c)) for c in range(len(names)))
        lines.append(f"{image_id}.jpg  {values}")
    (root / "CelebAMask-HQ-attribute-anno.txt").write_text("\n".join(lines) + "\n")


def _write_part(root: Path, image_id: int, part: str, rect, size: int = MASK_SIZE) -> None:
    pixels = np.zeros((size, size), dtype=np.uint8)
    top, bottom, left, right = rect
    pixels[top:bottom, left:right] = 255
    folder = root / "CelebAMask-HQ-mask-anno" / str(image_id // 2000)
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(folder / f"{image_id:05d}_{part}.png")


def _photo(image_id: int, size: int = 64) -> Image.Image:
    """Left half red, right half blue, a dark square whose position depends on the id."""
    pixels = np.zeros((size, size, 3), dtype=np.uint8)
    pixels[:, : size // 2] = (220, 30, 30)
    pixels[:, size // 2 :] = (30, 30, 220)
    offset = 8 + 4 * (image_id % 5)
    pixels[offset : offset + 16, offset : offset + 16] = 10
    return Image.fromarray(pixels)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "CelebA-HQ-img").mkdir()
    for image_id in IDS:
        _photo(image_id).save(tmp_path / "CelebA-HQ-img" / f"{image_id}.jpg", quality=95)
    for part, rect in PARTS_OF_3.items():
        _write_part(tmp_path, 3, part, rect)
    _write_part(tmp_path, 7, "skin", (16, 48, 16, 48))  # every other part file absent
    # Image 2005: parts at the real 512 px, larger than its 64 px photo.
    _write_part(tmp_path, 2005, "skin", (128, 384, 128, 384), size=512)
    _write_part(tmp_path, 2005, "hair", (0, 192, 0, 512), size=512)
    _write_attribute_file(tmp_path)
    return tmp_path


def test_part_priority_lists_every_part_once() -> None:
    assert sorted(PART_PRIORITY) == sorted(CELEBAMASK_PARTS)


def test_item_shapes_dtypes_ranges(root: Path) -> None:
    dataset = CelebAMaskHQ(root, resolution=32)
    assert len(dataset) == 3
    assert dataset.ids == list(IDS)
    item = dataset[0]
    assert set(item) == {"image", "mask", "sketch", "attributes", "seed"}
    assert item["image"].shape == (3, 32, 32)
    assert item["image"].dtype == torch.float32
    assert item["mask"].shape == (32, 32)
    assert item["mask"].dtype == torch.int64
    assert item["sketch"].shape == (1, 32, 32)
    assert item["sketch"].dtype == torch.float32
    assert item["attributes"].shape == (12,)
    assert item["attributes"].dtype == torch.float32
    assert item["seed"].dtype == torch.int64
    assert item["seed"].item() == 3
    assert item["image"].min() >= -1.0
    assert item["image"].max() <= 1.0
    assert item["sketch"].min() >= 0.0
    assert item["sketch"].max() <= 1.0
    assert item["mask"].min() >= 0
    assert item["mask"].max() < len(REGION_INDEX)
    assert torch.equal(item["sketch"], photo_to_sketch(item["image"]))
    assert dataset[-1]["seed"].item() == 2005
    with pytest.raises(IndexError):
        dataset[3]


def test_image_is_resized_with_its_colours(root: Path) -> None:
    image = CelebAMaskHQ(root, resolution=16)[1]["image"]  # id 7: dark square at rows 16..32
    red = torch.tensor([220, 30, 30]) / 127.5 - 1
    blue = torch.tensor([30, 30, 220]) / 127.5 - 1
    assert torch.allclose(image[:, 14, 1], red, atol=0.1)
    assert torch.allclose(image[:, 1, 14], blue, atol=0.1)
    assert image[:, 6, 6].max() < -0.8  # inside the dark square


def test_merged_mask_follows_priority_order(root: Path) -> None:
    mask = CelebAMaskHQ(root, resolution=MASK_SIZE)[0]["mask"]
    region = {name: REGION_INDEX[name] for name in REGION_INDEX}
    assert mask[2, 2] == region["hair"]  # hair only
    assert mask[12, 30] == region["hair"]  # hair over skin
    assert mask[3, 30] == region["hat"]  # hat over hair
    assert mask[50, 12] == region["skin"]  # skin only
    assert mask[34, 30] == region["nose"]  # nose over skin
    assert mask[22, 44] == region["eyes"]  # r_eye over skin
    assert mask[22, 18] == region["eyeglasses"]  # glasses over l_eye
    assert mask[19, 13] == region["eyeglasses"]  # glasses frame over skin
    assert mask[46, 30] == region["mouth"]  # u_lip -> mouth
    assert mask[58, 30] == region["neck"]
    assert mask[62, 30] == region["cloth"]  # cloth over neck
    assert mask[58, 2] == region["background"]
    # No l_eye pixel survives: eye_g covers it whole.
    assert (mask == region["eyes"]).sum() == 6 * 10


def test_mask_resizing_is_nearest(root: Path) -> None:
    full = CelebAMaskHQ(root, resolution=MASK_SIZE)[0]["mask"]
    half = CelebAMaskHQ(root, resolution=MASK_SIZE // 2)[0]["mask"]
    # Every drawn rectangle has even corners, so nearest sampling is exact.
    assert torch.equal(half, full[::2, ::2])
    # Image 2005: 512 px parts down to 32 px; labels are ids, never blends.
    mask = CelebAMaskHQ(root, resolution=32)[2]["mask"]
    assert set(mask.unique().tolist()) == {0, REGION_INDEX["skin"], REGION_INDEX["hair"]}
    assert (mask[:12] == REGION_INDEX["hair"]).all()
    assert (mask[12:24, 8:24] == REGION_INDEX["skin"]).all()
    assert (mask[24:] == 0).all()
    assert (mask[:, :8] == 0)[12:].all()


def test_missing_parts_are_background(root: Path) -> None:
    mask = CelebAMaskHQ(root, resolution=MASK_SIZE)[1]["mask"]  # id 7: skin only
    expected = torch.zeros(MASK_SIZE, MASK_SIZE, dtype=torch.int64)
    expected[16:48, 16:48] = REGION_INDEX["skin"]
    assert torch.equal(mask, expected)
    for part_file in (root / "CelebAMask-HQ-mask-anno" / "0").glob("00007_*.png"):
        part_file.unlink()
    assert (CelebAMaskHQ(root, resolution=8)[1]["mask"] == 0).all()


def test_attributes_are_picked_by_name(root: Path) -> None:
    dataset = CelebAMaskHQ(root, resolution=8)
    for index, image_id in enumerate(IDS):
        expected = [_value(image_id, CELEBA_NAMES.index(name)) for name in ATTRIBUTES]
        assert dataset[index]["attributes"].tolist() == expected
    # Sanity: the expected vectors differ between images and from the file's first 12 columns.
    assert dataset[0]["attributes"].tolist() != [_value(3, c) for c in range(12)]


def test_ids_select_and_order(root: Path) -> None:
    dataset = CelebAMaskHQ(root, resolution=8, ids=[2005, 3])
    assert [dataset[i]["seed"].item() for i in range(len(dataset))] == [2005, 3]
    with pytest.raises(ValueError, match=ATTRIBUTE_FILE):
        CelebAMaskHQ(root, ids=[3, 4])


def test_collate_builds_a_portrait_batch(root: Path) -> None:
    dataset = CelebAMaskHQ(root, resolution=16)
    loader = torch.utils.data.DataLoader(dataset, batch_size=2, collate_fn=CelebAMaskHQ.collate)
    batches = list(loader)
    assert [len(batch) for batch in batches] == [2, 1]
    batch = batches[0]
    assert isinstance(batch, PortraitBatch)
    assert batch.factors == {}
    assert batch.image.shape == (2, 3, 16, 16)
    assert batch.mask.shape == (2, 16, 16)
    assert batch.sketch.shape == (2, 1, 16, 16)
    assert batch.attributes.shape == (2, 12)
    assert batch.seeds.tolist() == [3, 7]
    assert batch.seeds.dtype == torch.int64
    assert torch.equal(batch.mask[1], dataset[1]["mask"])
    with pytest.raises(ValueError, match="empty"):
        CelebAMaskHQ.collate([])


def test_missing_image_names_the_file(root: Path) -> None:
    (root / "CelebA-HQ-img" / "7.jpg").unlink()
    dataset = CelebAMaskHQ(root, resolution=8)  # per-image files are checked lazily
    dataset[0]
    with pytest.raises(FileNotFoundError, match=r"7\.jpg"):
        dataset[1]


def test_corrupt_image_names_the_file(root: Path) -> None:
    (root / "CelebA-HQ-img" / "3.jpg").write_bytes(b"not a jpeg at all" * 10)
    with pytest.raises(ValueError, match=r"3\.jpg"):
        CelebAMaskHQ(root, resolution=8)[0]


def test_truncated_image_names_the_file(root: Path) -> None:
    path = root / "CelebA-HQ-img" / "3.jpg"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match=r"3\.jpg"):
        CelebAMaskHQ(root, resolution=8)[0]


def test_corrupt_part_names_the_file(root: Path) -> None:
    (root / "CelebAMask-HQ-mask-anno" / "0" / "00003_nose.png").write_bytes(b"\x89PNG garbage")
    with pytest.raises(ValueError, match=r"00003_nose\.png"):
        CelebAMaskHQ(root, resolution=8)[0]


def test_missing_attribute_file_names_it(root: Path) -> None:
    (root / "CelebAMask-HQ-attribute-anno.txt").unlink()
    with pytest.raises(FileNotFoundError, match=ATTRIBUTE_FILE):
        CelebAMaskHQ(root)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lines: ["three", *lines[1:]], "line 1"),
        (lambda lines: ["4", *lines[1:]], "announces 4"),
        (lambda lines: [*lines[:3], lines[3].rsplit(" ", 1)[0], *lines[4:]], "line 4"),
        (lambda lines: [*lines[:2], lines[2].replace(" -1", " 0"), *lines[3:]], "1 or -1"),
        (lambda lines: [*lines[:2], lines[2].replace("3.jpg", "three.jpg"), *lines[3:]], "<id>"),
        (lambda lines: [lines[0], lines[1].replace("Smiling", "Smile"), *lines[2:]], "Smiling"),
        (lambda lines: lines[:1], "names line"),
    ],
)
def test_malformed_attribute_file_names_it(root: Path, edit, message: str) -> None:
    path = root / "CelebAMask-HQ-attribute-anno.txt"
    path.write_text("\n".join(edit(path.read_text().splitlines())) + "\n")
    with pytest.raises(ValueError, match=ATTRIBUTE_FILE) as error:
        CelebAMaskHQ(root)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "folder", ["CelebA-HQ-img", "CelebAMask-HQ-mask-anno", "CelebAMask-HQ-mask-anno/1"]
)
def test_missing_folder_names_it(root: Path, folder: str) -> None:
    for path in sorted((root / folder).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (root / folder).rmdir()
    with pytest.raises(FileNotFoundError, match=folder):
        CelebAMaskHQ(root)
    if folder.endswith("/1"):  # ids outside the missing folder still load
        assert len(CelebAMaskHQ(root, ids=[3, 7])) == 2


def test_invalid_resolution_and_root(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        CelebAMaskHQ(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="resolution"):
        CelebAMaskHQ(tmp_path, resolution=0)
