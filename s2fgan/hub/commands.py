"""`s2fgan card` and `s2fgan push`: argument wiring only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from s2fgan.errors import UserError


def card_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", type=Path, help="a weights folder with card.json and results.json"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail if README.md differs from what would be written",
    )


def run_card(args: argparse.Namespace) -> int:
    from s2fgan.hub.card import card_is_current, write_card

    if args.check:
        if not card_is_current(args.folder):
            raise UserError(
                f"{args.folder / 'README.md'} is out of date; run `s2fgan card {args.folder}`"
            )
        print(f"{args.folder / 'README.md'} is current")
        return 0
    print(f"wrote {write_card(args.folder)}")
    return 0


def push_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="a weights folder (saved pipeline + card)")
    parser.add_argument("repo_id", help="the Hub model repo, OWNER/NAME (created if missing)")
    parser.add_argument("--private", action="store_true", help="create the repo private")
    parser.add_argument("--token", help="Hub token (default: `hf auth login` or $HF_TOKEN)")
    parser.add_argument("--message", help="commit message")
    parser.add_argument(
        "--dry-run", action="store_true", help="list the files that would go up; upload nothing"
    )


def _size(folder: Path, files: list[str]) -> str:
    return f"{sum((folder / f).stat().st_size for f in files) / 1e6:.1f} MB"


def run_push(args: argparse.Namespace) -> int:
    from s2fgan.hub.push import plan_upload, push_folder

    if args.dry_run:
        plan = plan_upload(args.folder, args.repo_id)
        sys.stdout.write("".join(f"{f}\n" for f in plan.files))
        size = _size(plan.folder, plan.files)
        print(f"dry run: would upload {len(plan.files)} files ({size}) to {plan.repo_id}")
        return 0
    upload = push_folder(
        args.folder, args.repo_id, token=args.token, private=args.private, message=args.message
    )
    size = _size(upload.folder, upload.files)
    print(f"uploaded {len(upload.files)} files ({size}) to {upload.repo_id}: {upload.url}")
    return 0
