import pytest
from histogram import histogram, render


def test_basic_bins():
    assert histogram([0.5, 1.5, 1.7, 3.2], 4, 0, 4) == [1, 2, 0, 1]


def test_upper_edge_goes_to_last_bin():
    assert histogram([0, 10], 2, 0, 10) == [1, 1]


def test_out_of_range_ignored():
    assert histogram([-1, 11, 5], 2, 0, 10) == [0, 1]


def test_empty_values():
    assert histogram([], 3, 0, 1) == [0, 0, 0]


def test_bad_args():
    with pytest.raises(ValueError):
        histogram([1], 0, 0, 1)


def test_render():
    assert render([1, 2, 0]) == ["#####", "##########", ""]


def test_render_all_zero():
    assert render([0, 0]) == ["", ""]
