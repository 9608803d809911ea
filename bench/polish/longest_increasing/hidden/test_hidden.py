from solution import lis_length


def test_strictly_increasing():
    assert lis_length([1, 2, 3, 4, 5]) == 5


def test_decreasing():
    assert lis_length([5, 4, 3, 2, 1]) == 1


def test_equal_values_do_not_count():
    assert lis_length([1, 3, 3, 4, 4, 5]) == 4


def test_negative():
    assert lis_length([-5, -10, -3, -4, 0]) == 3


def test_fast_long_sequence():
    nums = [(i * 7919) % 30_011 for i in range(30_000)]
    assert lis_length(nums) == 113
