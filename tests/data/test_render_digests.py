"""Today's portraits, pinned: sha256 digests of image, mask and sketch for hundreds of seeds.

The renderer is refactored and extended often; these digests (recorded from the engine before
its painter was split into parts) say that every default portrait stays the same to the last
8-bit level. Pixels are quantised to uint8 before hashing, so that a float difference in the
last bits between CPUs does not count, while any visible change does.

Re-record after an intended change to the default portraits:
    python tests/data/test_render_digests.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import torch

from s2fgan.data import SyntheticPortraits

DIGESTS = Path(__file__).with_name("render_digests.json")

# (resolution, sketch style, seeds): the drawn style over many seeds, the photo-derived
# styles over fewer (they share the image, which the drawn cases already pin).
CASES: tuple[tuple[int, str, range], ...] = (
    (64, "drawn", range(300)),
    (128, "drawn", range(1000, 1040)),
    (64, "xdog", range(500, 540)),
    (128, "mixed", range(2000, 2024)),
)


def _key(resolution: int, style: str) -> str:
    return f"{resolution}px-{style}"


def _digests(resolution: int, style: str, seeds: range) -> list[str]:
    batch = SyntheticPortraits(resolution, sketch_style=style).render(list(seeds))
    image = ((batch.image + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)
    sketch = (batch.sketch * 255).round().clamp(0, 255).to(torch.uint8)
    mask = batch.mask.to(torch.uint8)
    out = []
    for i in range(len(seeds)):
        h = hashlib.sha256()
        for part in (image[i], mask[i], sketch[i]):
            h.update(part.contiguous().numpy().tobytes())
        out.append(h.hexdigest()[:16])
    return out


@pytest.mark.parametrize(("resolution", "style", "seeds"), CASES)
def test_portraits_match_the_recorded_digests(resolution, style, seeds):
    recorded = json.loads(DIGESTS.read_text())[_key(resolution, style)]
    assert recorded["seeds"] == [seeds.start, seeds.stop]
    got = _digests(resolution, style, seeds)
    changed = [s for s, a, b in zip(seeds, got, recorded["digests"], strict=True) if a != b]
    assert not changed, f"{len(changed)} portraits changed, first seeds {changed[:10]}"


if __name__ == "__main__":
    table = {
        _key(r, s): {"seeds": [seeds.start, seeds.stop], "digests": _digests(r, s, seeds)}
        for r, s, seeds in CASES
    }
    DIGESTS.write_text(json.dumps(table, indent=0) + "\n")
