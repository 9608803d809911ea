from solution import count_subarrays


def test_negative_numbers():
    assert count_subarrays([1, -1, 0], 0) == 3


def test_zero_sum_runs():
    assert count_subarrays([0, 0, 0], 0) == 6


def test_whole_array():
    assert count_subarrays([3, 4, 7, 2, -3, 1, 4, 2], 7) == 4


def test_none():
    assert count_subarrays([1, 2, 3], 100) == 0


def test_fast_long_array():
    nums = [1, -1] * 10_000
    assert count_subarrays(nums, 0) == 100_000_000
