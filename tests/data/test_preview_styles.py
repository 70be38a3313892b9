"""`s2fgan data preview --sketch-style`: the grid's sketch panels are the chosen style's."""

import numpy as np
import pytest
from PIL import Image

from s2fgan.cli import main
from s2fgan.data import SyntheticPortraits
from s2fgan.data.preview import preview_grid


@pytest.mark.parametrize(
    ("option", "style"),
    [("marker", "marker"), ("outline=1,sparse=2", {"outline": 1.0, "sparse": 2.0})],
)
def test_preview_draws_the_chosen_style(tmp_path, option, style):
    out = tmp_path / "grid.png"
    assert main(["data", "preview", "--n", "4", "--resolution", "64", "--sketch-style", option,
                 "--framing", "--out", str(out)]) == 0  # fmt: skip
    expected = preview_grid(
        SyntheticPortraits(64, sketch_style=style, framing=True).render(range(4))
    )
    assert np.array_equal(np.asarray(Image.open(out)), np.asarray(expected))


def test_preview_refuses_an_unknown_style(tmp_path, capsys):
    code = main(["data", "preview", "--sketch-style", "crayon", "--out", str(tmp_path / "g.png")])
    assert code != 0
    assert "sketch_style must be one of" in capsys.readouterr().err
