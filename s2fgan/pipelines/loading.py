"""Load a SketchToFacePipeline from a folder or a Hub repo id, with one-line errors.

`SketchToFacePipeline.from_pretrained` (diffusers) already takes both; this picks the model
(the argument, else $S2FGAN_MODEL, else a folder the caller bundles, else the Hub repo
DEFAULT_MODEL), puts it on a device, and says in one line what went wrong when it cannot load
(`s2fgan.pipelines.checked_loading`, which `from_pretrained` goes through too). It loads only
what it is given: a source checkout's weights_card/ folder is the app's and the command
line's to pass. Torch and diffusers are imported inside, so that the command line's `--help`
answers at once.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from s2fgan.pipelines.checked_loading import MODEL_INDEX, LoadError, check_folder

__all__ = [
    "DEFAULT_MODEL",
    "HUB_MODEL",
    "MODEL_INDEX",
    "LoadError",
    "check_folder",
    "load_pipeline",
    "resolve_model",
]

logger = logging.getLogger(__name__)

HUB_MODEL = "s2fgan/s2fgan-synth-128"
DEFAULT_MODEL = HUB_MODEL  # what a `pip install` user gets: the Hub repo, through the HF cache


def resolve_model(
    model: str | os.PathLike | None = None, bundled: str | os.PathLike | None = None
) -> str:
    """The model to load: the argument, else $S2FGAN_MODEL, else `bundled` (a folder the
    caller ships, e.g. a source checkout's weights_card/ copy) when it exists, else
    `DEFAULT_MODEL`."""
    if model:
        return os.fspath(model)
    if os.environ.get("S2FGAN_MODEL"):
        return os.environ["S2FGAN_MODEL"]
    if bundled is not None and os.path.isdir(bundled):
        return os.fspath(bundled)
    return DEFAULT_MODEL


def load_pipeline(model: str | os.PathLike | None = None, device: str | None = None, **kwargs: Any):
    """Load a SketchToFacePipeline; LoadError (a UserError, one line) when it cannot.

    Args:
        model: a `save_pretrained` folder, or a Hub repo id OWNER/NAME (downloaded, or taken
            from the Hugging Face cache; offline with HF_HUB_OFFLINE=1); see `resolve_model`
            for the default.
        device: "cpu", "cuda", ...; by default CUDA when available. On CUDA the pipeline runs
            in float16, on the CPU in float32.
        kwargs: passed on to `from_pretrained` (e.g. `revision`, `cache_dir`).
    """
    import torch

    name = resolve_model(model)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.float16 if device.startswith("cuda") else torch.float32
    from s2fgan.pipelines.sketch_to_face import SketchToFacePipeline

    pipe = SketchToFacePipeline.from_pretrained(name, **kwargs)  # float32, via load_checked
    if device != "cpu":
        pipe.to(device, dtype)
    logger.info("loaded %s on %s (%s)", name, device, dtype)
    return pipe
