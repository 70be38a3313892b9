"""The Download PNG file of each session: one file per live session, in one folder per app.

Every render rewrites the session's file in place (written aside, then renamed, so that gradio
never copies a half-written file), and the file goes when the session's state is deleted, so the
files on disk never outnumber the sessions.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import weakref
from pathlib import Path

NAME = "s2fgan-portrait.png"  # the name the browser saves it under


class Downloads:
    """Per-session PNG files under one temporary folder, removed with this object."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="s2fgan-downloads-"))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex

    def path(self, key: str) -> Path:
        return self.folder / key / NAME

    def write(self, key: str, save) -> str:
        """Call save(path) on a fresh file, then move it over the session's file."""
        final = self.path(key)
        final.parent.mkdir(exist_ok=True)
        partial = final.with_name(f".{uuid.uuid4().hex}.png")
        save(partial)
        os.replace(partial, final)
        return str(final)

    def forget(self, key: str) -> None:
        shutil.rmtree(self.folder / key, ignore_errors=True)

    def count(self) -> int:
        """Files held now (the soak test checks this stays bounded)."""
        return sum(1 for p in self.folder.rglob("*") if p.is_file())

    def close(self) -> None:
        self._cleanup()
