"""Seed ranges of the synthetic splits: evaluators and generators train on TRAIN seeds only,
and every figure of `s2fgan eval` is computed on HELDOUT seeds, which no training touches."""

TRAIN_SEEDS = range(0, 1_000_000_000)
HELDOUT_START = 1_000_000_000
HELDOUT_SIZE = 512
HELDOUT_SEEDS = range(HELDOUT_START, HELDOUT_START + HELDOUT_SIZE)
