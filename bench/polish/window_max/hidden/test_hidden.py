from solution import window_maxima


def test_window_of_everything():
    assert window_maxima([2, 9, 4], 3) == [9]


def test_decreasing():
    assert window_maxima([5, 4, 3, 2, 1], 2) == [5, 4, 3, 2]


def test_equal_values():
    assert window_maxima([3, 3, 3], 2) == [3, 3]


def test_negative():
    assert window_maxima([-7, -8, -1, -9], 2) == [-7, -1, -1]


def test_fast_wide_window():
    nums = list(range(60_000, 0, -1))
    assert window_maxima(nums, 30_000) == list(range(60_000, 29_999, -1))
