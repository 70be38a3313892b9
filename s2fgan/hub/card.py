"""The model card (`README.md`) of a weights folder, rendered by huggingface_hub's ModelCard
from `model_card.md` (a Jinja template), the folder's `card.json` (training record, notes)
and `results.json` (figures). The card is output: `s2fgan card FOLDER` rewrites it, and a
test checks that the committed one equals what this renders.
"""

from __future__ import annotations

import json
from pathlib import Path

from s2fgan.errors import UserError
from s2fgan.hub import figures
from s2fgan.hub.folder import CARD, components, weights_sha256
from s2fgan.hub.record import CardRecord, load_record
from s2fgan.pipelines.loading import check_folder
from s2fgan.version import __version__

TEMPLATE = Path(__file__).with_name("model_card.md")
LIBRARY = "s2fgan"
PIPELINE_TAG = "image-to-image"
TAGS = (
    "s2fgan",
    "sketch-to-image",
    "face-generation",
    "face-editing",
    "gan",
    "semantic-editing",
    "region-swap",
    "synthetic-data",
    "diffusers",
)
TRAINING_DATA = "SyntheticPortraits: procedural portraits rendered by s2fgan.data (no photographs)"
EVALUATORS = Path(__file__).resolve().parents[1] / "evaluation" / "weights" / "heldout.json"


def _config(folder: Path, component: str) -> dict:
    return json.loads((folder / component / "config.json").read_text(encoding="utf-8"))


def _minutes(value: float) -> str:
    return f"{value:g} min"


def _total(minutes: float) -> str:
    hours, rest = divmod(round(minutes), 60)
    return f"{minutes:g} min" + (f" ({hours} h {rest:02d} min)" if hours else "")


def _segment_rows(record: CardRecord) -> tuple[list[dict], dict[str, float]]:
    """Table rows of the training record and wall-time totals by kind."""
    step = record.weights.step
    rows, totals = [], {"in": 0.0, "discarded": 0.0, "after": 0.0}
    for s in record.training.segments:
        if not s.kept:
            kind, verdict = "discarded", "no (discarded)"
        elif s.end <= step:
            kind, verdict = "in", "yes"
        else:
            kind, verdict = "after", "no (after these weights)"
        totals[kind] += s.minutes
        row = {"segment": s.segment, "steps": f"{s.start}-{s.end}", "flags": s.flags}
        rows.append(
            row | {"minutes": _minutes(s.minutes), "verdict": verdict, "outcome": s.outcome}
        )
    return rows, totals


def _check_images(folder: Path, record: CardRecord) -> None:
    for image in record.images:
        if Path(image.path).is_absolute() or ".." in Path(image.path).parts:
            raise UserError(f"card.json: image path {image.path!r} must lie inside {folder}")
        if not (folder / image.path).is_file():
            raise UserError(f"card.json names the image {image.path}, which {folder} lacks")


def card_data(record: CardRecord, results: dict, name: str):
    """The card's YAML metadata as a huggingface_hub ModelCardData."""
    from huggingface_hub import ModelCardData

    return ModelCardData(
        license=record.license,
        library_name=LIBRARY,
        pipeline_tag=PIPELINE_TAG,
        tags=list(TAGS),
        model_name=name,
        eval_results=figures.eval_results(results),
        training_data=TRAINING_DATA,
    )


def render_card(folder: Path) -> str:
    """The model card of FOLDER, as text (what `write_card` puts in README.md)."""
    from huggingface_hub import ModelCard

    folder = check_folder(folder)
    record = load_record(folder)
    results = figures.load_results(folder)
    sha = weights_sha256(folder)
    if record.weights.sha256 != sha:
        raise UserError(
            f"{folder}: the weights are not the ones card.json describes (fingerprint {sha}, "
            f"card.json says {record.weights.sha256}). If they were replaced, update the training "
            f'record and weights.step in card.json, then set weights.sha256 to "{sha}"'
        )
    _check_images(folder, record)
    parts = components(folder)
    generator = _config(folder, "generator")
    resolution = next(
        _config(folder, c.name)["resolution"]
        for c in parts
        if "resolution" in _config(folder, c.name)
    )
    met, total = figures.targets_met(results)
    segments, minutes = _segment_rows(record)
    name = folder.resolve().name
    card = ModelCard.from_template(
        card_data(record, results, name),
        template_path=str(TEMPLATE),
        name=name,
        folder=f"weights_card/{name}",
        record=record,
        version=__version__,
        resolution=resolution,
        num_regions=generator["num_regions"],
        w_dim=generator["w_dim"],
        components=parts,
        total_parameters=sum(c.parameters for c in parts),
        weights_segment=record.weights_segment.segment,
        sha256=sha,
        segments=segments,
        minutes={k: _total(v) for k, v in minutes.items() if v},
        results=results,
        heldout=figures.HELDOUT,
        train_seeds=figures.TRAIN,
        summary_rows=figures.summary_rows(results),
        comparison_rows=figures.comparison_rows(results),
        attribute_rows=figures.attribute_rows(results),
        targets_met=met,
        targets_total=total,
        evaluators=json.loads(EVALUATORS.read_text(encoding="utf-8")),
    )
    return str(card).rstrip("\n") + "\n"


def write_card(folder: Path) -> Path:
    """Render FOLDER's card into FOLDER/README.md; returns its path."""
    text = render_card(folder)
    path = Path(folder) / CARD
    path.write_text(text, encoding="utf-8")
    return path


def card_is_current(folder: Path) -> bool:
    """Whether FOLDER/README.md is exactly what `render_card` makes now."""
    path = Path(folder) / CARD
    return path.is_file() and path.read_text(encoding="utf-8") == render_card(folder)
