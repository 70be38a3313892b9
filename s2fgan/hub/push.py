"""`s2fgan push`: upload a weights folder to a Hugging Face Hub model repo.

The folder is checked first (a saved pipeline, its card current and naming this repo), and
only the files of a pipeline repo go up: the card, `model_index.json`, `results.json`, the
plots and images the card shows, and each component's `config.json` and safetensors;
never checkpoints, caches, hidden files or `card.json`.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from s2fgan.errors import UserError
from s2fgan.hub.folder import CARD, files_to_upload, upload_patterns
from s2fgan.hub.record import CARD_DATA, load_record
from s2fgan.pipelines.loading import check_folder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    repo_id: str
    folder: Path
    allow_patterns: list[str]
    ignore_patterns: list[str]
    files: list[str]  # what upload_folder sends with these patterns, sorted
    url: str | None = None  # the commit (None for a dry run)


def check_repo_id(repo_id: str) -> str:
    """repo_id, checked to be a Hub model repo id OWNER/NAME."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(repo_id)
    except HFValidationError:
        raise UserError(f"{repo_id!r} is not a Hub repo id (OWNER/NAME)") from None
    if repo_id.count("/") != 1:
        raise UserError(
            f"repo id must be OWNER/NAME (e.g. my-org/s2fgan-synth-128), got {repo_id!r}"
        )
    return repo_id


def plan_upload(folder: Path, repo_id: str) -> Upload:
    """What `push_folder` would upload, after checking the folder and the repo id."""
    from s2fgan.hub.card import card_is_current

    check_repo_id(repo_id)
    folder = check_folder(folder)
    extra: tuple[str, ...] = ()
    if (folder / CARD_DATA).is_file():
        record = load_record(folder)
        if not card_is_current(folder):
            raise UserError(
                f"{folder / CARD} is not the card that {CARD_DATA} and results.json make; "
                f"regenerate it with `s2fgan card {folder}`"
            )
        if record.repo_id != repo_id:
            raise UserError(
                f"the card in {folder} tells users to load {record.repo_id!r}, not {repo_id!r}: "
                f"set repo_id in {folder / CARD_DATA} and run `s2fgan card {folder}`"
            )
        extra = tuple(image.path for image in record.images)
    elif not (folder / CARD).is_file():
        logger.warning("%s has no model card (%s); the Hub repo will have none", folder, CARD)
    allow, ignore = upload_patterns(folder, extra)
    return Upload(repo_id, folder, allow, ignore, files_to_upload(folder, allow, ignore))


def push_folder(
    folder: Path,
    repo_id: str,
    *,
    api: Any = None,
    token: str | None = None,
    private: bool = False,
    message: str | None = None,
) -> Upload:
    """Create the model repo REPO_ID if needed and upload FOLDER's pipeline files to it.

    Args:
        folder: a weights folder (see `plan_upload` for the checks).
        repo_id: OWNER/NAME on the Hub.
        api: a `huggingface_hub.HfApi` (tests pass a fake); by default a new one.
        token: a Hub token with write access; by default the logged-in one (`hf auth login`,
            or $HF_TOKEN).
        private: create the repo private (an existing repo keeps its visibility).
        message: the commit message.
    """
    from huggingface_hub import HfApi, get_token
    from huggingface_hub.errors import HfHubHTTPError

    plan = plan_upload(folder, repo_id)
    token = token or get_token()
    if not token:
        raise UserError(
            "no Hugging Face token: log in with `hf auth login`, set HF_TOKEN, or pass --token"
        )
    api = api if api is not None else HfApi()
    try:
        api.create_repo(repo_id, token=token, repo_type="model", private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo_id,
            folder_path=str(plan.folder),
            repo_type="model",
            # copies: upload_folder extends the ignore list it is given in place
            allow_patterns=list(plan.allow_patterns),
            ignore_patterns=list(plan.ignore_patterns),
            commit_message=message or f"Upload {plan.folder.resolve().name} with s2fgan push",
            token=token,
        )
    except HfHubHTTPError as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UserError(f"push to {repo_id} failed: {first_line}") from None
    url = getattr(commit, "commit_url", None) or f"https://huggingface.co/{repo_id}"
    return dataclasses.replace(plan, url=url)
