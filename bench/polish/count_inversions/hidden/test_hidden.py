from solution import count_inversions


def test_reversed():
    assert count_inversions([5, 4, 3, 2, 1]) == 10


def test_equal_values_are_no_inversion():
    assert count_inversions([2, 2, 1, 1]) == 4


def test_negative():
    assert count_inversions([0, -1, -2]) == 3


def test_input_unchanged():
    nums = [3, 1, 2]
    count_inversions(nums)
    assert nums == [3, 1, 2]


def test_fast_reversed_long():
    assert count_inversions(list(range(30_000, 0, -1))) == 30_000 * 29_999 // 2
