"""A weights folder: a saved pipeline (`save_pretrained`) plus its model card and figures.

Reads what the card and `s2fgan push` need without torch: the components named in
`model_index.json`, their parameter counts (from the safetensors headers), a fingerprint of
the weights, and the exact list of files that belong on the Hub.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from pathlib import Path

from s2fgan.errors import UserError
from s2fgan.pipelines.loading import MODEL_INDEX, check_folder

CARD = "README.md"
RESULTS = "results.json"
WEIGHTS_NAME = "diffusion_pytorch_model.safetensors"

# Everything in a Hub repo besides the components. card.json stays home: the card says it all.
REPO_FILES = (CARD, MODEL_INDEX, RESULTS, "eval/*.png")
# A pipeline repo is two levels deep (component/file, eval/plot): deeper files are strays
# (old checkpoints, caches), and so are hidden files.
IGNORE = ("*/*/*", ".*", "*/.*")


@dataclass(frozen=True)
class Component:
    name: str  # folder name, e.g. "generator"
    module: str  # e.g. "s2fgan.models.region_generator"
    class_name: str  # e.g. "RegionGenerator"
    parameters: int
    bytes: int


def components(folder: Path) -> list[Component]:
    """The components `model_index.json` names, in its order, each checked for its files."""
    folder = check_folder(folder)
    try:
        index = json.loads((folder / MODEL_INDEX).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UserError(f"{folder / MODEL_INDEX} is not valid JSON: {error}") from None
    out = []
    for name, value in index.items():
        if name.startswith("_") or not isinstance(value, list) or None in value:
            continue
        weights = folder / name / WEIGHTS_NAME
        for path in (folder / name / "config.json", weights):
            if not path.is_file():
                raise UserError(f"{folder}: component {name!r} has no {path.name}")
        out.append(
            Component(name, value[0], value[1], _parameter_count(weights), weights.stat().st_size)
        )
    if not out:
        raise UserError(f"{folder / MODEL_INDEX} names no components")
    return out


def _parameter_count(path: Path) -> int:
    """Number of values in a safetensors file, from its JSON header (no tensors read)."""
    with open(path, "rb") as file:
        (size,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(size))
    count = 0
    for key, entry in header.items():
        if key != "__metadata__":
            n = 1
            for dim in entry["shape"]:
                n *= dim
            count += n
    return count


def weights_sha256(folder: Path) -> str:
    """Fingerprint of the component weights and configs (changes when any of them does)."""
    digest = hashlib.sha256()
    for component in components(folder):
        for name in ("config.json", WEIGHTS_NAME):
            path = Path(folder) / component.name / name
            digest.update(f"{component.name}/{name}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def upload_patterns(folder: Path, extra: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """(allow_patterns, ignore_patterns) for `upload_folder`: the card, the index, results and
    plots, each component's config and weights, and `extra` files (the card's images)."""
    allow = list(REPO_FILES)
    for component in components(folder):
        allow += [f"{component.name}/config.json", f"{component.name}/*.safetensors"]
    allow += [p for p in extra if p not in allow]
    return allow, list(IGNORE)


def files_to_upload(folder: Path, allow: list[str], ignore: list[str]) -> list[str]:
    """The files `upload_folder` would send with these patterns, sorted (POSIX paths)."""
    from huggingface_hub.hf_api import DEFAULT_IGNORE_PATTERNS
    from huggingface_hub.utils import filter_repo_objects

    folder = Path(folder)
    paths = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return list(
        filter_repo_objects(
            paths, allow_patterns=allow, ignore_patterns=[*ignore, *DEFAULT_IGNORE_PATTERNS]
        )
    )
