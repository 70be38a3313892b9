"""Synthetic steps rendered by worker processes ahead of the training loop.

The engine paints on the CPU. On a GPU a step of the networks takes a fraction of the time
that painting its portraits and their counterfactuals takes on one core, so the loop would
wait for the painter. `RenderPool` keeps `render_workers` processes painting the coming steps.
With `render_reuse` > 0 it also keeps the last that many rendered steps and trains on a random
one of them whenever no new step is ready, so the GPU never waits: each portrait then serves
several steps (rendered steps are still used in full, newest first).
"""

from __future__ import annotations

import collections
import dataclasses
import pickle
import random
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import torch
import torch.multiprocessing as mp

from s2fgan.training.sources import StepData, SyntheticSource

_source: SyntheticSource | None = None  # the worker process's own engine


def _start_worker(config, process_index: int, num_processes: int) -> None:
    global _source
    torch.set_num_threads(1)  # one core per worker: the pool is the parallelism
    _source = SyntheticSource(config, process_index, num_processes)


def _render(step: int) -> bytes:
    # Pickled by value: handing tensors over in shared memory costs one file descriptor per
    # tensor, and the pool of reused steps would hold thousands of them.
    return pickle.dumps(_source.render_step(step))


class RenderPool:
    """Iterates the StepData of the steps from `first_step` on, painted by worker processes.

    Without reuse, steps come in order, exactly as `SyntheticSource.render_step` gives them.
    With reuse, the iterator yields a fresh step when one is ready, else a random one of the
    last `render_reuse` steps rendered.
    """

    def __init__(self, source: SyntheticSource, first_step: int) -> None:
        config = source.config
        self.workers, self.reuse = config.render_workers, config.render_reuse
        self.executor = ProcessPoolExecutor(
            self.workers,
            mp_context=mp.get_context("spawn"),
            initializer=_start_worker,
            initargs=(config, source.process_index, source.num_processes),
        )
        self.next_step = first_step
        self.pending: collections.deque[Future] = collections.deque()
        self.recent: collections.deque[StepData] = collections.deque(maxlen=max(1, self.reuse))
        self.fresh: collections.deque[StepData] = collections.deque()
        self.rng = random.Random(config.seed + first_step)

    def _fill(self) -> None:
        while len(self.pending) < 2 * self.workers:
            self.pending.append(self.executor.submit(_render, self.next_step))
            self.next_step += 1

    def _collect(self) -> None:
        while self.pending and self.pending[0].done():
            self.fresh.append(pickle.loads(self.pending.popleft().result()))

    def __iter__(self) -> Iterator[StepData]:
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
