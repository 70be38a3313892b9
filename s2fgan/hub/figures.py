"""The evaluation figures of a weights folder (`results.json` from `s2fgan eval`), against the
project's quality targets, as table rows for the model card and as Hub `model-index` results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from s2fgan.constants import ATTRIBUTES, HELDOUT_SEEDS, TRAIN_SEEDS
from s2fgan.errors import UserError

RESULTS = "results.json"
HELDOUT = f"{HELDOUT_SEEDS.start:,} to {HELDOUT_SEEDS.stop - 1:,}"
TRAIN = f"{TRAIN_SEEDS.start:,} to {TRAIN_SEEDS.stop - 1:,}"
# The figures the Hub shows in its evaluation widget, in this order.
MODEL_INDEX_FIGURES = (
    "sketch_miou",
    "attr_success_mean",
    "attr_success_min",
    "attr_leak_mean",
    "swap_leak_mean",
    "swap_effect_mean",
    "fd",
    "fd_floor",
    "recon_l1",
    "recon_miou",
)


@dataclass(frozen=True)
class Target:
    """A quality target: figure OP value (times the figure `relative_to`, when given).
    A per-region figure ({region: value}) meets it when every region does."""

    figure: str
    op: str  # ">=" or "<="
    value: float
    relative_to: str | None = None

    def met(self, figures: dict[str, Any]) -> bool:
        bound = self.value * (figures[self.relative_to] if self.relative_to else 1.0)
        value = figures[self.figure]
        values = value.values() if isinstance(value, dict) else [value]
        return all(v >= bound if self.op == ">=" else v <= bound for v in values)

    def text(self) -> str:
        each = " each" if self.figure in ("swap_leak", "swap_effect") else ""
        if self.relative_to:
            return f"{self.op} {self.value:g} x `{self.relative_to}`"
        return f"{self.op} {self.value:.2f}{each}"


# The targets the project set for the default weights (the issues, docs/evaluation.md).
TARGETS = (
    Target("sketch_miou", ">=", 0.70),
    Target("attr_success_mean", ">=", 0.90),
    Target("attr_success_min", ">=", 0.75),
    Target("attr_leak_mean", "<=", 0.10),
    Target("swap_leak", "<=", 0.02),
    Target("swap_effect", ">=", 0.05),
    Target("fd", "<=", 4.0, relative_to="fd_floor"),
)
_NEEDED = (*MODEL_INDEX_FIGURES, "attr_success", "attr_leak", "swap_leak", "swap_effect")


@dataclass(frozen=True)
class Row:
    figure: str  # Markdown
    measured: str
    target: str  # "-" when the project set none
    met: str  # "yes", "**no**" or "-"
    samples: str


def load_results(folder: Path) -> dict[str, Any]:
    """FOLDER/results.json, checked to hold every figure the card shows."""
    path = Path(folder) / RESULTS
    if not path.is_file():
        raise UserError(
            f"{folder} has no {RESULTS}; make it with `s2fgan eval {folder} --out {path} "
            f"--plots {Path(folder) / 'eval'}`"
        )
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UserError(f"{path} is not valid JSON: {error}") from None
    missing = [k for k in _NEEDED if k not in results.get("figures", {})]
    if missing:
        raise UserError(f"{path} lacks figures {', '.join(missing)}: rerun `s2fgan eval`")
    return results


def _samples(results: dict[str, Any], key: str) -> str:
    count = results.get("samples", {}).get(key)
    if isinstance(count, list):
        return " vs ".join(map(str, count))
    return "-" if count is None else str(count)


def _yes_no(target: Target, figures: dict[str, Any]) -> str:
    return "yes" if target.met(figures) else "**no**"


def summary_rows(results: dict[str, Any]) -> list[Row]:
    """One row per headline figure: measured value, target, whether it is met, samples."""
    f = results["figures"]
    targets = {t.figure: t for t in TARGETS}
    rows = []
    for key in ("sketch_miou", "attr_success_mean", "attr_success_min", "attr_leak_mean"):
        t = targets[key]
        sample_key = key.removesuffix("_mean").removesuffix("_min")
        rows.append(
            Row(f"`{key}`", f"{f[key]:.3f}", t.text(), _yes_no(t, f), _samples(results, sample_key))
        )
    for key in ("swap_leak", "swap_effect"):
        t = targets[key]
        regions = ", ".join(f[key])
        values = ", ".join(f"{v:.3f}" for v in f[key].values())
        rows.append(
            Row(f"`{key}` ({regions})", values, t.text(), _yes_no(t, f), _samples(results, key))
        )
    t = targets["fd"]
    ratio = f["fd"] / f["fd_floor"]
    rows.append(
        Row(
            "`fd` (`fd_floor`)",
            f"{f['fd']:.1f} ({f['fd_floor']:.1f}; {ratio:.1f}x)",
            t.text(),
            _yes_no(t, f),
            _samples(results, "fd"),
        )
    )
    if "fd_random" in f:  # the mapping network's faces
        rows.append(
            Row(
                "`fd_random` (`fd` of the mapping network's random faces)",
                f"{f['fd_random']:.1f} ({f['fd_random'] / f['fd_floor']:.1f}x)",
                "-",
                "-",
                _samples(results, "fd_random"),
            )
        )
    if "fd_styled" in f:  # a pipeline with a StyleBank: portrait i in style i
        rows.append(
            Row(
                "`fd_styled` (`fd` with the colours of seeds)",
                f"{f['fd_styled']:.1f} ({f['fd_styled'] / f['fd_floor']:.1f}x)",
                "-",
                "-",
                _samples(results, "fd_styled"),
            )
        )
        rows.append(
            Row(
                "`sketch_miou_styled`",
                f"{f['sketch_miou_styled']:.3f}",
                "-",
                "-",
                _samples(results, "sketch_miou_styled"),
            )
        )
    rows.append(
        Row(
            "`recon_l1` / `recon_miou`",
            f"{f['recon_l1']:.3f} / {f['recon_miou']:.3f}",
            "-",
            "-",
            _samples(results, "recon_l1"),
        )
    )
    return rows


def attribute_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(attribute, attr_success, attr_leak) for the 12 attributes, in ATTRIBUTES order."""
    f = results["figures"]
    return [(a, f"{f['attr_success'][a]:.3f}", f"{f['attr_leak'][a]:.3f}") for a in ATTRIBUTES]


def targets_met(results: dict[str, Any]) -> tuple[int, int]:
    """(targets met, targets) for these figures."""
    return sum(t.met(results["figures"]) for t in TARGETS), len(TARGETS)


def eval_results(results: dict[str, Any]) -> list:
    """The headline figures as huggingface_hub EvalResults (the card's `model-index`)."""
    from huggingface_hub import EvalResult

    return [
        EvalResult(
            task_type="image-to-image",
            task_name="Sketch-to-face translation",
            dataset_type="s2fgan/synthetic-portraits",
            dataset_name="SyntheticPortraits held-out split",
            dataset_split="heldout",
            metric_type=key,
            metric_name=key,
            metric_value=round(float(results["figures"][key]), 4),
        )
        for key in MODEL_INDEX_FIGURES
    ]


def _style_miou(f: dict[str, Any]) -> str:
    styles = f.get("sketch_miou_style")
    if not styles:
        return "-"
    return ", ".join(f"{name} {value:.3f}" for name, value in styles.items())


def _headline(f: dict[str, Any], bench: dict[str, Any]) -> dict[str, str]:
    """The figures a reader compares two weights by, as text, in the card's order."""
    simple = bench.get("simple_faces", {})
    latency = bench.get("latency_ms", {})
    styles = f.get("sketch_miou_style", {})
    return {
        "`simple_faces.py` face_iou / eyes_hit / mouth_hit": (
            " / ".join(f"{simple[k]:.3f}" for k in ("face_iou", "eyes_hit", "mouth_hit"))
            if simple
            else "-"
        ),
        "`sketch_miou` per drawing style": _style_miou(f),
        "`sketch_miou` mean of the styles": (
            f"{sum(styles.values()) / len(styles):.3f}" if styles else "-"
        ),
        "`sketch_miou`": f"{f['sketch_miou']:.3f}",
        "`attr_success` mean / min": f"{f['attr_success_mean']:.3f} / {f['attr_success_min']:.3f}",
        "`attr_leak` mean": f"{f['attr_leak_mean']:.3f}",
        "`swap_leak` max / `swap_effect` min": (
            f"{max(f['swap_leak'].values()):.4f} / {min(f['swap_effect'].values()):.3f}"
        ),
        "`fd` / `fd_styled` / `fd_random` (x `fd_floor`)": " / ".join(
            f"{f[k] / f['fd_floor']:.1f}x" if k in f else "-"
            for k in ("fd", "fd_styled", "fd_random")
        ),
        "`recon_miou`": f"{f['recon_miou']:.3f}",
        "latency sketch -> face / re-edit / swap, ms": (
            " / ".join(
                f"{latency[k]:.1f}" for k in ("sketch -> face", "re-edit (cached code)", "swap")
            )
            if latency
            else "-"
        ),
    }


def comparison_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(figure, these weights, the previous default) when results.json records the default
    these weights replaced (its `previous` section); else no rows."""
    previous = results.get("previous")
    if not previous:
        return []
    these = _headline(results["figures"], results.get("benchmarks", {}))
    before = _headline(previous["figures"], previous.get("benchmarks", {}))
    return [(name, these[name], before[name]) for name in these]
