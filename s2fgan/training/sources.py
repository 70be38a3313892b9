"""Where a training run's portraits come from: the synthetic engine, or a CelebAMask-HQ folder.

Both give each process its own portraits per step, as PortraitBatch on the training device.
Only the engine can render a counterfactual (the same face with some attributes flipped), so
the edit losses that compare against one apply to synthetic data only; on real photos the
sliders learn from the discriminator's attribute head and the latent cycle (phases.py).
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import torch
from torch.utils.data import DataLoader, default_collate

from s2fgan.constants import ATTRIBUTE_INDEX, NUM_ATTRIBUTES
from s2fgan.data import CelebAMaskHQ, PortraitBatch, SyntheticPortraits
from s2fgan.data.sketch_styles import check_training_styles
from s2fgan.training.config import TrainConfig
from s2fgan.training.render_pool import RenderPool

logger = logging.getLogger(__name__)


def edit_sampling_weights(edit_weights: dict) -> torch.Tensor | None:
    """TrainConfig.edit_weights as one weight per attribute (None: uniform)."""
    if not edit_weights:
        return None
    unknown = set(edit_weights) - set(ATTRIBUTE_INDEX)
    if unknown:
        raise ValueError(f"edit_weights: unknown attributes {sorted(unknown)}")
    weights = torch.ones(NUM_ATTRIBUTES)
    for name, value in edit_weights.items():
        if not value >= 0:
            raise ValueError(f"edit_weights: {name} must be >= 0, got {value}")
        weights[ATTRIBUTE_INDEX[name]] = float(value)
    if weights.sum() <= 0:
        raise ValueError("edit_weights: at least one attribute needs a weight > 0")
    return weights


def draw_edits(
    n: int, rng: torch.Generator, weights: torch.Tensor | None = None, flips: int = 1
) -> torch.Tensor:
    """The attributes each of n portraits' training edit flips: [n, flips] distinct indices,
    uniformly or by `weights`."""
    if flips == 1 and weights is None:
        return torch.randint(0, NUM_ATTRIBUTES, (n, 1), generator=rng)
    if flips == 1:
        return torch.multinomial(weights, n, replacement=True, generator=rng)[:, None]
    w = torch.ones(NUM_ATTRIBUTES) if weights is None else weights
    if int((w > 0).sum()) < flips:
        raise ValueError(f"edit_flips {flips}: fewer attributes than that have a weight > 0")
    return torch.multinomial(w.expand(n, -1), flips, replacement=False, generator=rng)


def flip(attributes: torch.Tensor, edit_j: torch.Tensor) -> torch.Tensor:
    """A copy of attributes [n, 12] (+-1) with the entries edit_j [n, k] negated."""
    flipped = attributes.clone()
    flipped[torch.arange(len(attributes))[:, None], edit_j] *= -1
    return flipped


@dataclass
class StepData:
    """One process's data of one step: its portraits, the attributes each portrait's training
    edit flips ([B, K]) and the portraits with those flipped (None where the data has no
    counterfactuals)."""

    batch: PortraitBatch
    edit_j: torch.Tensor
    counterfactual: PortraitBatch | None = None
    fresh: bool = True  # False: a step trained on before (RenderPool's reuse)


def step_edits(config: TrainConfig, n: int, step: int, process_index: int) -> torch.Tensor:
    """The edits of a step, drawn from a generator of (seed, step, process) alone, so that
    they are the same wherever and in whatever order the step is rendered."""
    rng = torch.Generator().manual_seed(hash((config.seed, step, process_index)) % 2**62)
    weights = edit_sampling_weights(config.edit_weights)
    return draw_edits(n, rng, weights, config.edit_flips)


def parse_framing_text(text: str) -> bool | tuple[float, float]:
    """TrainConfig.framing: "" -> False (fixed framing); "0.7,1.6" -> (0.7, 1.6)."""
    if not text:
        return False
    try:
        low, high = (float(x) for x in text.split(","))
    except ValueError:
        raise ValueError(f"framing must be '' or 'LOW,HIGH', got {text!r}") from None
    return low, high


class SyntheticSource:
    """SyntheticPortraits: process p at step s renders TRAIN seeds
    (s * processes + p) * batch_size onwards, so no portrait is drawn twice in a run."""

    counterfactuals = True

    def __init__(self, config: TrainConfig, process_index: int, num_processes: int) -> None:
        check_training_styles(config.sketch_style)
        self.engine = SyntheticPortraits(
            config.resolution,
            sketch_style=config.sketch_style,
            framing=parse_framing_text(config.framing),
            compile=config.compile_engine,
            chunk_size=config.batch_size,
        )
        self.config = config
        self.batch_size = config.batch_size
        self.process_index, self.num_processes = process_index, num_processes

    def render_step(self, step: int) -> StepData:
        """The portraits of a step, its edits and their counterfactual renders (none where
        only the sketch encoder trains: no edit is made)."""
        first = (step * self.num_processes + self.process_index) * self.batch_size
        batch = self.engine.render(range(first, first + self.batch_size))
        edit_j = step_edits(self.config, len(batch), step, self.process_index)
        counterfactual = None
        if not self.config.train_only:
            counterfactual = self.engine.render(batch.seeds, flip(batch.attributes, edit_j))
        return StepData(batch, edit_j, counterfactual)

    def steps(self, first_step: int) -> Iterator[StepData]:
        """The steps from `first_step` on, rendered here, or by TrainConfig.render_workers
        worker processes ahead of the loop (RenderPool)."""
        config = self.config
        if config.render_workers > 0:
            # each worker builds its own engine: the same class with the same arguments
            make = functools.partial(
                SyntheticSource, config, self.process_index, self.num_processes
            )
            yield from RenderPool(
                make, config.render_workers, config.render_reuse, config.seed, first_step
            )
            return
        for step in itertools.count(first_step):
            yield self.render_step(step)

    def region_sample(self) -> torch.Tensor:
        """Region ids [256, H, W] of training portraits (region_weights)."""
        return self.engine.render(range(256)).mask


class FolderSource:
    """A CelebAMask-HQ folder through a DataLoader with worker processes, sharded over the
    processes by Accelerate and reshuffled every epoch (the shuffle is seeded, so a resume
    goes on with the same order)."""

    counterfactuals = False

    def __init__(self, config: TrainConfig, accelerator) -> None:
        self.dataset = CelebAMaskHQ(Path(config.data), resolution=config.resolution)
        if len(self.dataset) < config.batch_size * accelerator.num_processes:
            raise ValueError(
                f"{config.data} holds {len(self.dataset)} portraits, fewer than one batch of "
                f"{config.batch_size} per process"
            )
        loader = DataLoader(
            self.dataset,
            batch_size=config.batch_size,
            shuffle=True,
            drop_last=True,
            num_workers=config.workers,
            persistent_workers=config.workers > 0,
            pin_memory=accelerator.device.type == "cuda",
            collate_fn=default_collate,  # dicts of tensors: pinnable, unlike a dataclass
            generator=torch.Generator().manual_seed(config.seed),
        )
        self.config, self.accelerator = config, accelerator
        self.loader = accelerator.prepare_data_loader(loader, device_placement=False)
        logger.info("%d portraits, %d batches per epoch", len(self.dataset), len(self.loader))

    def steps(self, first_step: int) -> Iterator[StepData]:
        for step, batch in enumerate(self._batches(first_step), first_step):
            edit_j = step_edits(self.config, len(batch), step, self.accelerator.process_index)
            yield StepData(batch, edit_j)

    def _batches(self, first_step: int) -> Iterator[PortraitBatch]:
        per_epoch = len(self.loader)
        first_epoch, skip = divmod(first_step, per_epoch)
        for epoch in itertools.count(first_epoch):
            self.loader.set_epoch(epoch)
            loader = self.loader
            if skip:  # a resume goes on where the epoch was
                loader = self.accelerator.skip_first_batches(self.loader, skip)
                skip = 0
            for items in loader:
                yield PortraitBatch(
                    image=items["image"],
                    mask=items["mask"],
                    sketch=items["sketch"],
                    attributes=items["attributes"],
                    seeds=items["seed"],
                )

    def region_sample(self) -> torch.Tensor:
        n = min(256, len(self.dataset))
        return torch.stack([self.dataset[i]["mask"] for i in range(n)])


def make_source(config: TrainConfig, accelerator) -> SyntheticSource | FolderSource:
    """ "synthetic" gives the engine; any other value is a CelebAMask-HQ root folder."""
    if config.data == "synthetic":
        return SyntheticSource(config, accelerator.process_index, accelerator.num_processes)
    return FolderSource(config, accelerator)
