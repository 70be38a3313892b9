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


def _shell_lines(text: str) -> list[str]:
    """The command lines of the README's bash blocks (comments dropped)."""
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def test_every_s2fgan_command_in_the_readme_parses_as_written():
    import shlex

    from s2fgan.cli import build_parser

    text = (ROOT / "README.md").read_text()
    lines = [line for line in _shell_lines(text) if line.startswith("s2fgan ")]
    assert len(lines) >= 8  # generate, edit, swap, train, eval, card, push, data...
    parser = build_parser()
    for line in lines:
        args = parser.parse_args(shlex.split(line)[1:])  # exits (fails the test) on a bad flag
        assert callable(args.run), line


def test_the_readme_stays_a_users_page():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 250
    assert "bash .ci/test.sh" in text.splitlines()
    for page in ("data-engine", "training", "evaluation", "experiments", "architecture"):
        assert f"(docs/{page}.md)" in text, page
        assert (ROOT / "docs" / f"{page}.md").is_file(), page
