"""What counts as a seed: a whole number >= 0 that fixes a random face or a style.

Bottom layer, like `s2fgan.constants`: it imports nothing of s2fgan, so the StyleBank and the
pipeline check seeds with the same rule and the same message.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable


def check_seeds(seeds: Iterable, codes: int | None = None) -> list[int]:
    """The seeds as Python ints. A bool, a float or a negative number is refused, not rounded.

    Args:
        seeds: integers >= 0 (NumPy integers too).
        codes: when given, the number of codes the seeds go with, one seed per code.
    """
    seeds = list(seeds)
    if codes is not None and len(seeds) != codes:
        raise ValueError(f"give one seed per code: {len(seeds)} seeds, {codes} codes")
    bad = [s for s in seeds if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 0]
    if bad:
        raise ValueError(f"seeds must be integers >= 0, got {bad[0]!r}")
    return [int(s) for s in seeds]
