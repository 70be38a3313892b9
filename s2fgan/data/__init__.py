"""Data: the synthetic portrait engine, the CelebAMask-HQ loader and photo_to_sketch."""

from s2fgan.constants import ATTRIBUTE_REGIONS
from s2fgan.data.batch import PortraitBatch
from s2fgan.data.celebamask_hq import CelebAMaskHQ
from s2fgan.data.photo_to_sketch import photo_to_sketch
from s2fgan.data.synthetic import SyntheticPortraits

__all__ = [
    "ATTRIBUTE_REGIONS",
    "CelebAMaskHQ",
    "PortraitBatch",
    "SyntheticPortraits",
    "photo_to_sketch",
]
