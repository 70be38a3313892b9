"""Which pipeline the app runs, on which device, and ZeroGPU support.

The model is a `save_pretrained` folder or a Hub repo id: the `--model` flag, else the
`S2FGAN_MODEL` environment variable, else the weights bundled in this repository.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

# weights_card/ sits beside the package in a source checkout (and in the Space's repo).
BUNDLED_MODEL = Path(__file__).resolve().parents[2] / "weights_card" / "s2fgan-synth-128"
HUB_MODEL = "s2fgan/s2fgan-synth-128"
DEFAULT_MODEL = str(BUNDLED_MODEL) if BUNDLED_MODEL.is_dir() else HUB_MODEL


def resolve_model(model: str | None = None) -> str:
    """The model to load: the argument, else $S2FGAN_MODEL, else the bundled weights."""
    return model or os.environ.get("S2FGAN_MODEL") or DEFAULT_MODEL


def load_pipeline(model: str | None = None, device: str | None = None):
    """Load a SketchToFacePipeline; CUDA with fp16 when present, else CPU with fp32.

    Args:
        model: folder or Hub repo id (see `resolve_model`).
        device: "cpu", "cuda", ...; by default CUDA when available.
    """
    import torch

    from s2fgan.hub.loading import load_pipeline as load

    name = resolve_model(model)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.float16 if device.startswith("cuda") else torch.float32
    pipe = load(name)  # float32; one-line UserError for a missing folder or repo
    if device != "cpu":
        pipe.to(device, dtype)
    logger.info("loaded %s on %s (%s)", name, device, dtype)
    return pipe


def gpu(function: Callable) -> Callable:
    """`spaces.GPU` when the `spaces` package is present (ZeroGPU Spaces), else unchanged."""
    try:
        import spaces
    except ImportError:
        return function
    return spaces.GPU(function)
