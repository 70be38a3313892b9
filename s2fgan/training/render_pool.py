"""Synthetic steps rendered by worker processes ahead of the training loop.

The engine paints on the CPU. On a GPU a step of the networks takes a fraction of the time
that painting its portraits and their counterfactuals takes on one core, so the loop would
wait for the painter. `RenderPool` keeps `render_workers` processes painting the coming steps.
With `render_reuse` > 0 it also keeps the last that many rendered steps and trains on a random
one of them whenever no new step is ready, so the GPU never waits: each portrait then serves
several steps (rendered steps are still used in full, newest first).

The pool knows nothing of where steps come from: each worker builds its own renderer from a
picklable factory (training.sources gives `SyntheticSource`), so sources.py uses this module
and not the other way round.
"""

from __future__ import annotations

import collections
import dataclasses
import pickle
import random
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol

import torch
import torch.multiprocessing as mp


class StepRenderer(Protocol):
    def render_step(self, step: int) -> Any:
        """The data of one step: a dataclass with a `fresh` field (training.sources.StepData)."""


_renderer: StepRenderer | None = None  # the worker process's own engine


def _start_worker(make_renderer: Callable[[], StepRenderer]) -> None:
    global _renderer
    torch.set_num_threads(1)  # one core per worker: the pool is the parallelism
    _renderer = make_renderer()


def _render(step: int) -> bytes:
    # Pickled by value: handing tensors over in shared memory costs one file descriptor per
    # tensor, and the pool of reused steps would hold thousands of them.
    return pickle.dumps(_renderer.render_step(step))


class RenderPool:
    """Iterates the step data of the steps from `first_step` on, painted by worker processes.

    Without reuse, steps come in order, exactly as the renderer's `render_step` gives them.
    With reuse, the iterator yields a fresh step when one is ready, else a random one of the
    last `reuse` steps rendered (marked `fresh=False`).

    Args:
        make_renderer: a picklable callable that builds, in each worker, an object with
            `render_step(step)`.
        workers: number of worker processes (TrainConfig.render_workers).
        reuse: how many recent steps to keep for reuse (TrainConfig.render_reuse; 0: none).
        seed: the run's seed; the choice of reused steps is drawn from seed + first_step.
        first_step: the first step to render.
    """

    def __init__(
        self,
        make_renderer: Callable[[], StepRenderer],
        workers: int,
        reuse: int,
        seed: int,
        first_step: int,
    ) -> None:
        self.workers, self.reuse = workers, reuse
        self.executor = ProcessPoolExecutor(
            self.workers,
            mp_context=mp.get_context("spawn"),
            initializer=_start_worker,
            initargs=(make_renderer,),
        )
        self.next_step = first_step
        self.pending: collections.deque[Future] = collections.deque()
        self.recent: collections.deque = collections.deque(maxlen=max(1, self.reuse))
        self.fresh: collections.deque = collections.deque()
        self.rng = random.Random(seed + first_step)

    def _fill(self) -> None:
        while len(self.pending) < 2 * self.workers:
            self.pending.append(self.executor.submit(_render, self.next_step))
            self.next_step += 1

    def _collect(self) -> None:
        while self.pending and self.pending[0].done():
            self.fresh.append(pickle.loads(self.pending.popleft().result()))

    def __iter__(self) -> Iterator:
        try:
            while True:
                self._fill()
                self._collect()
                if self.fresh or not (self.reuse > 0 and self.recent):
                    if not self.fresh:
                        self.fresh.append(pickle.loads(self.pending.popleft().result()))
                    data = self.fresh.popleft()
                    if self.reuse > 0:
                        self.recent.append(data)
                else:
                    data = dataclasses.replace(
                        self.recent[self.rng.randrange(len(self.recent))], fresh=False
                    )
                yield data
        finally:
            self.executor.shutdown(wait=False, cancel_futures=True)
