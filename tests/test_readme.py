"""The README's Python example runs as written, from the repository root of a fresh clone."""

import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def test_the_python_example_of_the_model_section_runs(tmp_path):
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## The model") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    # a root of its own, so that the files it writes land in tmp_path
    for name in ("weights_card", "s2fgan"):
        (tmp_path / name).symlink_to(ROOT / name)
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=240
    )
    assert run.returncode == 0, run.stderr[-3000:]
    with Image.open(tmp_path / "face.png") as png:
        assert png.size == (128, 128) and "Synthetic" in png.text["Comment"]
    assert Image.open(tmp_path / "swapped.png").size == (256, 256)
