"""The data-engine page's drawing-styles snippet runs as written and names each portrait's
style."""

import re
from pathlib import Path

from s2fgan.data.sketch_styles import SKETCH_STYLES

PAGE = Path(__file__).resolve().parents[2] / "docs" / "data-engine.md"


def test_the_drawing_styles_snippet_runs():
    text = PAGE.read_text()
    section = text[text.index("## Drawing styles and framing") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    *lines, last = code.strip().splitlines()
    scope: dict = {}
    exec("\n".join(lines), scope)
    styles = eval(last, scope)  # its last line is the expression it shows
    assert len(styles) == len(scope["batch"].seeds) == 3
    assert set(styles) <= set(SKETCH_STYLES) - {"heldout"}
