"""Shared by the distribution tests: the committed weights folder and small helpers."""

import json
from pathlib import Path

WEIGHTS = Path(__file__).resolve().parents[2] / "weights_card" / "s2fgan-synth-128"
REPO_ID = "org/tiny"


def edit_json(path: Path, change) -> None:
    """Apply change(data) to the JSON file at path."""
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


# A fixed training record for the small weights folder, so that the tests do not depend on
# the committed record (which grows with every training segment).
SEGMENTS = [
    {
        "segment": 0,
        "start": 0,
        "end": 300,
        "flags": "lr 2e-3",
        "minutes": 10,
        "kept": False,
        "outcome": "diverged",
    },
    {
        "segment": 1,
        "start": 0,
        "end": 750,
        "flags": "`--steps 3000`",
        "minutes": 26,
        "kept": True,
        "outcome": "collapsed",
    },
    {
        "segment": 2,
        "start": 750,
        "end": 1250,
        "flags": "`--w-domain 0`",
        "minutes": 16,
        "kept": True,
        "outcome": "collapsed again",
    },
    {
        "segment": 3,
        "start": 1250,
        "end": 2700,
        "flags": "`--steps 2700`",
        "minutes": 41,
        "kept": True,
        "outcome": "codes vary",
    },
    {
        "segment": 4,
        "start": 2700,
        "end": 3250,
        "flags": "`--steps 3700`",
        "minutes": 20.5,
        "kept": True,
        "outcome": "stopped at 3390, resumed from 3250",
    },
]
