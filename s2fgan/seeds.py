"""What counts as a seed: a whole number >= 0 that fixes a random face or a style.

Bottom layer, like `s2fgan.constants`: it imports nothing of s2fgan, so the StyleBank and the
pipeline check seeds with the same rule and the same message.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable


def check_seeds(seeds: Iterable, codes: int | None = None, what: str = "seed") -> list[int]:
    """The seeds as Python ints. A bool, a float or a negative number is refused, not rounded.

    Args:
        seeds: integers >= 0 (NumPy integers too).
        codes: when given, the number of codes the seeds go with, one seed per code.
        what: the word the messages use: "seed" (an identity) or "style" (colours).
    """
    seeds = list(seeds)
    if codes is not None and len(seeds) != codes:
        raise ValueError(f"give one {what} per code: {len(seeds)} {what}s, {codes} codes")
    bad = [s for s in seeds if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 0]
    if bad:
        raise ValueError(f"{what}s must be integers >= 0, got {bad[0]!r}")
    return [int(s) for s in seeds]
