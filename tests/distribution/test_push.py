"""`s2fgan push` against a fake HfApi: exactly which files would go to the Hub, and refusals."""

from pathlib import Path
from types import SimpleNamespace

import huggingface_hub
import pytest
from distribution_helpers import REPO_ID, edit_json
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.hf_api import DEFAULT_IGNORE_PATTERNS
from huggingface_hub.utils import filter_repo_objects

from s2fgan.cli import main
from s2fgan.errors import UserError
from s2fgan.hub.push import push_folder

COMPONENTS = ("attribute_mapper", "generator", "image_encoder", "mapping", "sketch_encoder")
PIPELINE_FILES = sorted(
    ["model_index.json"]
    + [
        f"{c}/{f}"
        for c in COMPONENTS
        for f in ("config.json", "diffusion_pytorch_model.safetensors")
    ]
)
CARD_FILES = [
    "README.md",
    "eval/attributes.png",
    "eval/examples.png",
    "eval/regions.png",
    "eval/styles.png",
    "results.json",
]


class FakeHfApi:
    """Records create_repo / upload_folder; resolves upload_folder's patterns on the folder the
    way HfApi.upload_folder does (filter_repo_objects plus its default ignore patterns)."""

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.uploaded: list[str] = []
        self.fail_with = fail_with

    def create_repo(self, repo_id: str, **kwargs):
        self.calls.append(("create_repo", {"repo_id": repo_id, **kwargs}))
        if self.fail_with:
            raise self.fail_with
        return f"https://huggingface.co/{repo_id}"

    def upload_folder(self, *, folder_path: str, allow_patterns, ignore_patterns, **kwargs):
        self.calls.append(("upload_folder", {"folder_path": folder_path, **kwargs}))
        root = Path(folder_path)
        paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        ignore = [*ignore_patterns, *DEFAULT_IGNORE_PATTERNS]
        self.uploaded = sorted(
            filter_repo_objects(paths, allow_patterns=allow_patterns, ignore_patterns=ignore)
        )
        return SimpleNamespace(commit_url=f"https://huggingface.co/{kwargs['repo_id']}/commit/1")


def _add_strays(folder: Path) -> None:
    """Files a weights folder picks up that must never reach the Hub."""
    for relative in (
        "checkpoints/step_100/generator/config.json",
        "generator/old/diffusion_pytorch_model.safetensors",
        "generator/__pycache__/x.cpython-311.pyc",
        "eval/.ipynb_checkpoints/examples-checkpoint.png",
        ".DS_Store",
        ".git/config",
        "notes.txt",
        "train.log",
    ):
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(b"stray")


def test_push_uploads_exactly_the_pipeline_card_and_figures(weights_folder: Path) -> None:
    _add_strays(weights_folder)
    api = FakeHfApi()
    upload = push_folder(weights_folder, REPO_ID, api=api, token="hf_test", private=True)

    assert api.uploaded == sorted(CARD_FILES + PIPELINE_FILES)  # no card.json, no strays
    assert upload.files == api.uploaded
    assert [name for name, _ in api.calls] == ["create_repo", "upload_folder"]
    create, upload_call = api.calls[0][1], api.calls[1][1]
    assert create == {
        "repo_id": REPO_ID,
        "token": "hf_test",
        "repo_type": "model",
        "private": True,
        "exist_ok": True,
    }
    assert upload_call["repo_id"] == REPO_ID and upload_call["repo_type"] == "model"
    assert Path(upload_call["folder_path"]) == weights_folder
    assert upload_call["token"] == "hf_test"
    assert upload.url == f"https://huggingface.co/{REPO_ID}/commit/1"


def test_images_the_card_shows_go_up_with_it(weights_folder: Path) -> None:
    (weights_folder / "showcase.png").write_bytes(
        (weights_folder / "eval/examples.png").read_bytes()
    )
    edit_json(
        weights_folder / "card.json",
        lambda c: c["images"].append({"path": "showcase.png", "caption": "sketch -> face"}),
    )
    assert main(["card", str(weights_folder)]) == 0
    api = FakeHfApi()
    push_folder(weights_folder, REPO_ID, api=api, token="hf_test")
    assert api.uploaded == sorted([*CARD_FILES, "showcase.png", *PIPELINE_FILES])


def test_a_bare_saved_pipeline_uploads_its_components(saved_pipeline: Path) -> None:
    api = FakeHfApi()
    push_folder(saved_pipeline, "org/bare", api=api, token="hf_test")
    assert api.uploaded == PIPELINE_FILES


def test_push_command_uses_the_logged_in_token(weights_folder: Path, monkeypatch, capsys) -> None:
    api = FakeHfApi()
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda: api)
    monkeypatch.setattr(huggingface_hub, "get_token", lambda: "hf_logged_in")
    assert main(["push", str(weights_folder), REPO_ID, "--message", "v2 weights"]) == 0
    assert api.calls[1][1]["commit_message"] == "v2 weights"
    assert api.calls[1][1]["token"] == "hf_logged_in"
    out = capsys.readouterr().out
    assert f"uploaded {len(CARD_FILES) + len(PIPELINE_FILES)} files" in out
    assert f"to {REPO_ID}: https://huggingface.co/{REPO_ID}/commit/1" in out


def test_dry_run_lists_the_files_and_uploads_nothing(weights_folder: Path, monkeypatch, capsys):
    _add_strays(weights_folder)
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda: pytest.fail("dry run made an HfApi"))
    assert main(["push", str(weights_folder), REPO_ID, "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == sorted(CARD_FILES + PIPELINE_FILES)
    count = len(CARD_FILES) + len(PIPELINE_FILES)
    assert lines[-1].startswith(f"dry run: would upload {count} files (")
    assert lines[-1].endswith(f"MB) to {REPO_ID}")


def test_push_without_a_token_says_how_to_log_in(weights_folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(huggingface_hub, "get_token", lambda: None)
    api = FakeHfApi()
    with pytest.raises(UserError, match=r"no Hugging Face token: log in with `hf auth login`"):
        push_folder(weights_folder, REPO_ID, api=api)
    assert api.calls == []


@pytest.mark.parametrize(
    ("repo_id", "message"),
    [
        ("bad id", r"'bad id' is not a Hub repo id \(OWNER/NAME\)"),
        ("tiny", "repo id must be OWNER/NAME"),
        ("org/other", "the card in"),
    ],
)
def test_bad_repo_ids_are_refused_before_anything_uploads(weights_folder: Path, repo_id, message):
    api = FakeHfApi()
    with pytest.raises(UserError, match=message):
        push_folder(weights_folder, repo_id, api=api, token="hf_test")
    assert api.calls == []


def test_a_stale_card_or_a_non_pipeline_folder_is_refused(weights_folder: Path, tmp_path: Path):
    api = FakeHfApi()
    (weights_folder / "README.md").write_text("hand-edited card\n")
    with pytest.raises(UserError, match=r"regenerate it with `s2fgan card"):
        push_folder(weights_folder, REPO_ID, api=api, token="hf_test")
    with pytest.raises(UserError, match="has no model_index.json"):
        push_folder(tmp_path, REPO_ID, api=api, token="hf_test")
    (weights_folder / "mapping" / "diffusion_pytorch_model.safetensors").unlink()
    with pytest.raises(UserError, match="component 'mapping' has no diffusion_pytorch_model"):
        push_folder(weights_folder, REPO_ID, api=api, token="hf_test")
    assert api.calls == []


def test_hub_errors_end_in_one_line(weights_folder: Path) -> None:
    response = SimpleNamespace(headers={}, request=None)
    error = HfHubHTTPError(
        "403 Forbidden: no write access to org/tiny.\ndetails", response=response
    )
    with pytest.raises(UserError) as info:
        push_folder(weights_folder, REPO_ID, api=FakeHfApi(fail_with=error), token="hf_test")
    assert str(info.value) == "push to org/tiny failed: 403 Forbidden: no write access to org/tiny."
