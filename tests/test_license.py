"""The MIT licence that pyproject.toml declares: its text in the tree, the wheel and the sdist."""

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
# setuptools' PEP 517 hooks, called as `python -m build --no-isolation` would, without
# needing the `build` front end or the network
BUILD = (
    "import sys\nfrom setuptools import build_meta\ngetattr(build_meta, sys.argv[1])(sys.argv[2])\n"
)


def test_the_licence_is_mit_as_declared():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 s2fgan contributors" in text
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    assert 'license = "MIT"' in pyproject and 'license-files = ["LICENSE"]' in pyproject


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The wheel and the sdist built from a copy of what a build reads."""
    pytest.importorskip("setuptools", minversion="77")  # PEP 639 license-files
    tmp = tmp_path_factory.mktemp("license")
    src, out = tmp / "src", tmp / "dist"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "s2fgan", src / "s2fgan", ignore=shutil.ignore_patterns("__pycache__", "*.pyi")
    )
    for hook in ("build_wheel", "build_sdist"):
        subprocess.run(
            [sys.executable, "-c", BUILD, hook, str(out)],
            cwd=src,
            check=True,
            capture_output=True,
            timeout=240,
        )
    return out


def test_the_wheel_carries_the_licence_text(dist):
    (wheel,) = dist.glob("s2fgan-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        assert archive.read(licence) == (ROOT / "LICENSE").read_bytes()
        headers = archive.read(metadata).decode().split("\n\n")[0].splitlines()
    assert "License-Expression: MIT" in headers and "License-File: LICENSE" in headers


def test_the_sdist_carries_the_licence_text(dist):
    (sdist,) = dist.glob("s2fgan-*.tar.gz")
    with tarfile.open(sdist) as archive:
        (licence,) = [
            m
            for m in archive.getmembers()
            if m.name.count("/") == 1 and m.name.endswith("/LICENSE")
        ]
        assert archive.extractfile(licence).read() == (ROOT / "LICENSE").read_bytes()
