"""s2fgan.seeds.check_seeds: the one seed rule of the StyleBank and the pipeline."""

import numpy as np
import pytest

from s2fgan.seeds import check_seeds


def test_integer_seeds_come_back_as_python_ints():
    seeds = check_seeds([0, np.int64(7), 2**40], codes=3)
    assert seeds == [0, 7, 2**40] and all(type(s) is int for s in seeds)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3", None])
def test_anything_but_a_whole_number_from_zero_is_refused(bad):
    with pytest.raises(ValueError, match=r"seeds must be integers >= 0, got"):
        check_seeds([1, bad])


def test_one_seed_per_code():
    with pytest.raises(ValueError, match="give one seed per code: 1 seeds, 2 codes"):
        check_seeds([1], codes=2)
