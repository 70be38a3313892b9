"""What users type, checked: seeds and attribute strengths, with messages that name the problem.

Every refusal is a `user_error`: a gr.Error the user reads as a toast and that the server log
does not print with a traceback (it is an ordinary mistake, not a fault of the app).
"""

from __future__ import annotations

import math

import gradio as gr

from s2fgan.constants import REGIONS

MAX_SEED = 2**31 - 1
STRENGTH_RANGE = (-4.0, 4.0)


# Seconds a message stays: long enough to read one line, short enough that the messages of
# earlier mistakes are gone when the next one comes (gradio stacks the toasts shown at once).
MESSAGE_SECONDS = 6


def user_error(message: str) -> gr.Error:
    return gr.Error(
        message, title="Cannot do that", duration=MESSAGE_SECONDS, print_exception=False
    )


def _number(value, what: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, got {value!r}")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return number


def parse_seed(value, what: str = "seed", blank: bool = False) -> int | None:
    """A seed from its box: a whole number in 0..MAX_SEED; None when blank and `blank` allows it.

    Raises:
        ValueError: naming `what` and the range.
    """
    if blank and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    try:
        number = _number(value, what)
    except ValueError:
        number = -1.0  # refused below, with the one message
    if not 0 <= number <= MAX_SEED or number != int(number):
        raise ValueError(f"The {what} must be a whole number in 0..{MAX_SEED}, got {value!r}.")
    return int(number)


def parse_strength(value, name: str) -> float:
    """A slider strength: a number, clamped to STRENGTH_RANGE as the slider's own box clamps a
    typed value, so that the picture and the box agree.

    Raises:
        ValueError: naming the slider, for a missing value or one that is not a number.
    """
    label = name.replace("_", " ")
    if value is None:
        raise ValueError(f"No value for the {label} slider: give all 12 strengths.")
    number = _number(value, f"The {label} strength")
    lo, hi = STRENGTH_RANGE
    return min(hi, max(lo, number))


def parse_regions(value) -> list[str]:
    """Region names to swap: a list of names, or one name as a string.

    Raises:
        ValueError: for none, a name that is not a region, or a value of another kind.
    """
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"Regions must be a list of region names, got {value!r}.")
    if not names:
        raise ValueError("Tick at least one region to swap.")
    unknown = [n for n in names if n not in REGIONS]
    if unknown:
        raise ValueError(
            f"Unknown region {', '.join(map(repr, unknown))}: take some of {', '.join(REGIONS)}."
        )
    return list(dict.fromkeys(names))
