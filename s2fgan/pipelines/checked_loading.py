"""Checked loading of a saved pipeline: a folder or a Hub repo id in, one-line errors out.

`load_checked` wraps diffusers' `from_pretrained` and says plainly what went wrong when it
cannot load: no such folder, a folder that is not a pipeline, a malformed repo id, a repo that
does not exist, or one that is not in the cache while offline or unreachable (with the command
that fetches it). It knows no pipeline class, so that `SketchToFacePipeline.from_pretrained`
and `s2fgan.pipelines.loading.load_pipeline` both call it without importing each other. Torch
and diffusers are imported inside, so that the command line's `--help` answers at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from s2fgan.errors import UserError

MODEL_INDEX = "model_index.json"


class LoadError(UserError, OSError):
    """A pipeline that cannot be loaded, said in one line; an OSError, as diffusers' own
    loading errors are, so that code catching those still catches it."""


def check_folder(folder: str | os.PathLike) -> Path:
    """FOLDER, checked to be a saved pipeline folder; UserError says what is wrong."""
    folder = Path(folder)
    if not folder.exists():
        raise LoadError(f"no folder {folder}")
    if not folder.is_dir():
        raise LoadError(f"{folder} is a file, not a weights folder")
    if not (folder / MODEL_INDEX).is_file():
        raise LoadError(f"{folder} has no {MODEL_INDEX}: not a saved pipeline folder")
    return folder


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _causes(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _looks_like_path(text: str) -> bool:
    return text.startswith((".", "/", "~")) or "\\" in text or text.endswith("/")


def explain_hub_error(repo_id: str, error: BaseException) -> str:
    """One line saying why the pipeline `repo_id` (not a local folder) could not be loaded."""
    from huggingface_hub import constants, is_offline_mode
    from huggingface_hub.errors import (
        GatedRepoError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
    )

    causes = list(_causes(error))
    here = f"no folder {repo_id} here"
    fetch = f"get it with `hf download {repo_id}` while online, or pass a pipeline folder"
    if any(isinstance(e, GatedRepoError) for e in causes):
        return f"{here}, and the Hub repo {repo_id} is gated: accept its terms and log in"
    if any(isinstance(e, RepositoryNotFoundError) for e in causes):
        return f"{here}, and no Hub repo {repo_id} (or it is private: log in with `hf auth login`)"
    not_cached = f"{here}, and the Hub repo {repo_id} is not in the Hugging Face cache"
    if is_offline_mode() or any(isinstance(e, OfflineModeIsEnabled) for e in causes):
        return (
            f"{not_cached} ({constants.HF_HUB_CACHE}); offline mode (HF_HUB_OFFLINE) downloads "
            f"nothing: {fetch}"
        )
    # diffusers reports an unreachable Hub as an OSError saying the files are "not fully
    # cached locally"; huggingface_hub as LocalEntryNotFoundError.
    unreachable = any(isinstance(e, LocalEntryNotFoundError) for e in causes) or any(
        "cached" in str(e) or "connect" in str(e).lower() for e in causes
    )
    if unreachable:
        return f"{not_cached} ({constants.HF_HUB_CACHE}) and the Hub cannot be reached: {fetch}"
    return f"cannot load the pipeline {repo_id}: {_first_line(error)}"


def load_checked(name: str | os.PathLike, load: Callable[..., Any], **kwargs: Any):
    """`load(name, **kwargs)` (diffusers' from_pretrained) for a folder or a Hub repo id, with
    a one-line LoadError when it cannot load. Without accelerate installed, it loads the plain
    way (`low_cpu_mem_usage=False`) instead of warning on every load that it cannot do better.
    """
    from diffusers.utils import is_accelerate_available
    from huggingface_hub.errors import HfHubHTTPError, HFValidationError
    from huggingface_hub.utils import validate_repo_id

    kwargs.setdefault("low_cpu_mem_usage", is_accelerate_available())
    text = os.fspath(name)
    path = Path(text).expanduser()
    if not path.exists() and _looks_like_path(text):
        raise LoadError(f"no folder {text}")
    if path.exists():
        folder = check_folder(path)
        try:
            return load(folder, **kwargs)
        except (OSError, ValueError) as error:
            raise LoadError(f"cannot load the pipeline in {folder}: {_first_line(error)}") from None
    try:
        validate_repo_id(text)
    except HFValidationError:
        raise LoadError(f"no folder {text!r}, and it is not a Hub repo id (OWNER/NAME)") from None
    try:
        return load(text, **kwargs)
    except (OSError, ValueError, HfHubHTTPError) as error:
        raise LoadError(explain_hub_error(text, error)) from None
