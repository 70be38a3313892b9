"""Data: the synthetic portrait engine, the CelebAMask-HQ loader and photo_to_sketch."""

from s2fgan.data.batch import PortraitBatch
from s2fgan.data.synthetic import SyntheticPortraits

__all__ = ["PortraitBatch", "SyntheticPortraits"]
