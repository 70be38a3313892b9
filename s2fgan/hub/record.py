"""`card.json`: what a model card says that code cannot measure.

A weights folder's training record (segments, commands, wall times), the step its weights are
from, its state in words, its limitations and the sample grids to show. The model card
(`README.md`) is rendered from this file plus `results.json`; edit this file, never the card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from s2fgan.errors import UserError

CARD_DATA = "card.json"


@dataclass(frozen=True)
class Segment:
    """One training run on the way to the weights (a resumed run is a new segment)."""

    segment: int  # its number in the record, in order
    start: int  # first step (the checkpoint it resumed from)
    end: int  # last step whose networks were kept (a crash after it does not count)
    flags: str  # what differed from the record's common command (Markdown)
    minutes: float  # wall time of the run, including any part that was lost
    kept: bool  # False: discarded (its steps are in no later segment)
    outcome: str  # what happened (Markdown)


@dataclass(frozen=True)
class Training:
    hardware: str  # e.g. "a 2-core CPU (no GPU)"
    command: str  # the command every segment shares
    setup: str  # data, optimiser and EMA settings, in words (Markdown)
    segments: tuple[Segment, ...]
    notes: tuple[str, ...]  # anything else a reproducer must know (Markdown)
    fresh_run: str  # the one command that trains such a model from scratch with today's code


@dataclass(frozen=True)
class Weights:
    step: int  # the training step the committed weights are from: the end of a kept segment
    sha256: str  # fingerprint of the component weights (`s2fgan card` says the current one)


@dataclass(frozen=True)
class Figure:
    path: str  # relative to the weights folder; uploaded with it
    caption: str


@dataclass(frozen=True)
class CardRecord:
    repo_id: str  # the Hub repo the card's loading snippet names
    license: str  # an SPDX id the Hub knows, e.g. "mit"
    summary: str  # one sentence: what these weights are
    weights: Weights
    state: tuple[str, ...]  # how good it is, in words, one sentence each
    training: Training
    images: tuple[Figure, ...]
    limitations: tuple[str, ...]

    @property
    def weights_segment(self) -> Segment:
        """The kept segment whose last step the weights are from."""
        for segment in self.training.segments:
            if segment.kept and segment.end == self.weights.step:
                return segment
        raise AssertionError("checked in load_record")


def _fields(cls, data: Any, where: str) -> dict[str, Any]:
    """data's keys, checked against the dataclass fields: nothing missing, nothing unknown."""
    if not isinstance(data, dict):
        raise UserError(f"{where} must be a JSON object")
    names = set(cls.__dataclass_fields__)
    missing, unknown = names - set(data), set(data) - names
    if missing or unknown:
        details = []
        if missing:
            details.append(f"missing {', '.join(sorted(missing))}")
        if unknown:
            details.append(f"unknown {', '.join(sorted(unknown))}")
        raise UserError(f"{where}: {'; '.join(details)}")
    return data


def _segments(items: Any, where: str) -> tuple[Segment, ...]:
    if not isinstance(items, list) or not items:
        raise UserError(f"{where} must be a non-empty list")
    segments = tuple(Segment(**_fields(Segment, s, f"{where}[{i}]")) for i, s in enumerate(items))
    for i, s in enumerate(segments):
        if not 0 <= s.start < s.end:
            raise UserError(
                f"{where}[{i}]: start {s.start} and end {s.end} must be 0 <= start < end"
            )
        if s.minutes <= 0:
            raise UserError(f"{where}[{i}]: minutes must be positive, got {s.minutes}")
    kept = [s for s in segments if s.kept]
    for a, b in zip(kept, kept[1:], strict=False):
        if b.start > a.end:
            raise UserError(
                f"{where}: segment {b.segment} starts at step {b.start}, after segment "
                f"{a.segment} ended at {a.end}: a gap in the kept record"
            )
    return segments


def parse_record(data: Any, where: str = CARD_DATA) -> CardRecord:
    """Validate card data (the parsed JSON) into a CardRecord; UserError names the bad field."""
    data = dict(_fields(CardRecord, data, where))
    training = dict(_fields(Training, data["training"], f"{where}: training"))
    training["segments"] = _segments(training["segments"], f"{where}: training.segments")
    training["notes"] = tuple(training["notes"])
    data["training"] = Training(**training)
    data["weights"] = Weights(**_fields(Weights, data["weights"], f"{where}: weights"))
    data["images"] = tuple(
        Figure(**_fields(Figure, f, f"{where}: images[{i}]")) for i, f in enumerate(data["images"])
    )
    data["state"] = tuple(data["state"])
    data["limitations"] = tuple(data["limitations"])
    record = CardRecord(**data)
    ends = [s.end for s in record.training.segments if s.kept]
    if record.weights.step not in ends:
        raise UserError(
            f"{where}: weights.step {record.weights.step} is not the last step of a kept "
            f"training segment ({', '.join(map(str, ends))}); add the segment the weights come from"
        )
    return record


def load_record(folder: Path) -> CardRecord:
    """Read and validate FOLDER/card.json."""
    path = Path(folder) / CARD_DATA
    if not path.is_file():
        raise UserError(f"{folder} has no {CARD_DATA}: the card's data (training record, notes)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UserError(f"{path} is not valid JSON: {error}") from None
    return parse_record(data, str(path))
