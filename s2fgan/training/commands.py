"""`s2fgan train`: flags for the fields of TrainConfig, heavy imports inside."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from s2fgan.training.config import TrainConfig

_FLAGS = (
    "data",
    "resolution",
    "sketch_style",
    "batch_size",
    "steps",
    "max_minutes",
    "init_from",
    "init_step",
    "d_warmup_steps",
    "lr",
    "lr_d",
    "lr_decay_tail",
    "lr_final",
    "lr_final_d",
    "seed",
    "out_dir",
    "log_every",
    "sample_every",
    "checkpoint_every",
    "mixed_precision",
    "w_reconstruction",
    "w_mask",
    "w_mask_dice",
    "mask_balance",
    "w_semantic",
    "w_attribute",
    "w_edit",
    "w_edit_delta",
    "w_edit_class",
    "edit_boost",
    "edit_flips",
    "w_adversarial",
    "w_domain",
)


def train_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = TrainConfig()
    for name in _FLAGS:
        value = getattr(defaults, name)
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=type(value),
            default=value,
            help=f"(default: {value})",
        )
    parser.add_argument("--no-compile-engine", action="store_true", help="eager data engine")
    parser.add_argument("--config", type=Path, help="JSON with TrainConfig fields (overrides)")
    parser.add_argument(
        "--export-pipeline", type=Path, help="save the trained SketchToFacePipeline here"
    )


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    values = {name: getattr(args, name) for name in _FLAGS}
    values["compile_engine"] = not args.no_compile_engine
    if args.config:
        values.update(json.loads(args.config.read_text()))
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown TrainConfig fields: {sorted(unknown)}")
    return TrainConfig(**values)


def export_pipeline(final: Path, out: Path) -> Path:
    """Assemble the trained components into a saved SketchToFacePipeline folder."""
    from s2fgan.pipelines import SketchToFacePipeline

    classes = SketchToFacePipeline.component_classes()
    pipe = SketchToFacePipeline(
        **{name: cls.from_pretrained(final / name) for name, cls in classes.items()}
    )
    pipe.save_pretrained(out)
    return out


def run_train(args: argparse.Namespace) -> int:
    from s2fgan.training.loop import train

    final = train(config_from_args(args))
    print(f"trained networks in {final}")
    if args.export_pipeline:
        print(f"pipeline saved to {export_pipeline(final, args.export_pipeline)}")
    return 0
