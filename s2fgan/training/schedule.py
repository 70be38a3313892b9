"""The learning-rate schedule of `s2fgan train`: constant, then a linear fall at the end."""

from __future__ import annotations


def run_progress(step: int, steps: int, minutes: float, max_minutes: float) -> float:
    """How far a run is, in [0, 1]: by its steps, or by its wall time when that is nearer."""
    progress = step / steps
    if max_minutes > 0:
        progress = max(progress, minutes / max_minutes)
    return min(progress, 1.0)


def lr_scale(progress: float, tail: float, final: float) -> float:
    """The factor on the base learning rates at `progress` of a run.

    1 until the last `tail` of the run, then a straight line down to `final` at its end
    (pix2pix's schedule, which decays over the second half; `tail` 0 keeps the rate constant).
    """
    check_schedule(tail, {"lr_final": final})
    return tail_ramp(progress, tail, final)


def tail_ramp(progress: float, tail: float, end: float) -> float:
    """1 until the last `tail` of the run, then a straight line to `end` at its end."""
    if tail == 0 or progress <= 1 - tail:
        return 1.0
    into_tail = min((progress - (1 - tail)) / tail, 1.0)
    return 1.0 - (1.0 - end) * into_tail


def check_schedule(tail: float, finals: dict[str, float]) -> None:
    """Fail on a tail or an end factor (named by its TrainConfig field) outside [0, 1]."""
    if not 0 <= tail <= 1:
        raise ValueError(f"lr_decay_tail must lie in [0, 1], got {tail}")
    for name, final in finals.items():
        if not 0 <= final <= 1:
            raise ValueError(f"{name} must lie in [0, 1], got {final}")
