"""Load a SketchToFacePipeline from a folder or a Hub repo id, with one-line errors.

`SketchToFacePipeline.from_pretrained` (diffusers) already takes both; this says plainly what
went wrong when it cannot: no such folder, a folder that is not a pipeline, a malformed repo
id, a repo that does not exist, or one that is not in the cache while offline.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from s2fgan.errors import UserError
from s2fgan.hub.folder import check_folder


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
    from huggingface_hub.errors import GatedRepoError, OfflineModeIsEnabled, RepositoryNotFoundError

    causes = list(_causes(error))
    here = f"no folder {repo_id} here"
    if any(isinstance(e, GatedRepoError) for e in causes):
        return f"{here}, and the Hub repo {repo_id} is gated: accept its terms and log in"
    if any(isinstance(e, RepositoryNotFoundError) for e in causes):
        return f"{here}, and no Hub repo {repo_id} (or it is private: log in with `hf auth login`)"
    if is_offline_mode() or any(isinstance(e, OfflineModeIsEnabled) for e in causes):
        return (
            f"{here}, and the Hub repo {repo_id} is not in the Hugging Face cache "
            f"({constants.HF_HUB_CACHE}); offline mode (HF_HUB_OFFLINE) downloads nothing"
        )
    return f"cannot load the pipeline {repo_id}: {_first_line(error)}"


def load_pipeline(name: str | os.PathLike, **kwargs: Any):
    """`SketchToFacePipeline.from_pretrained(name, **kwargs)`; UserError when it cannot load.

    Args:
        name: a `save_pretrained` folder, or a Hub repo id OWNER/NAME (downloaded, or taken
            from the Hugging Face cache; offline with HF_HUB_OFFLINE=1).
        kwargs: passed on (e.g. `dtype`, `revision`, `cache_dir`).
    """
    from huggingface_hub.errors import HfHubHTTPError, HFValidationError
    from huggingface_hub.utils import validate_repo_id

    from s2fgan.pipelines import SketchToFacePipeline

    text = os.fspath(name)
    path = Path(text).expanduser()
    if not path.exists() and _looks_like_path(text):
        raise UserError(f"no folder {text}")
    if path.exists():
        folder = check_folder(path)
        try:
            return SketchToFacePipeline.from_pretrained(folder, **kwargs)
        except (OSError, ValueError) as error:
            raise UserError(f"cannot load the pipeline in {folder}: {_first_line(error)}") from None
    try:
        validate_repo_id(text)
    except HFValidationError:
        raise UserError(f"no folder {text!r}, and it is not a Hub repo id (OWNER/NAME)") from None
    try:
        return SketchToFacePipeline.from_pretrained(text, **kwargs)
    except (OSError, ValueError, HfHubHTTPError) as error:
        raise UserError(explain_hub_error(text, error)) from None
