from solution import two_sum


def test_negative_numbers():
    assert two_sum([-3, 4, 3, 90], 0) == [0, 2]


def test_zeros():
    assert two_sum([0, 4, 3, 0], 0) == [0, 3]


def test_pair_at_both_ends():
    assert two_sum([1, 5, 6, 7, 2], 3) == [0, 4]


def test_duplicates_not_in_the_answer():
    assert two_sum([5, 5, 1, 9], 10) == [0, 1]
    assert two_sum([2, 2, 7, 8], 15) == [2, 3]


def test_large_values():
    assert two_sum([10**9, -10**9, 7, 10**9 - 7], 10**9) == [2, 3]


def test_long_list_pair_at_the_end():
    nums = [10 * k for k in range(2000)] + [3, 4]  # multiples of 10: only 3 + 4 makes 7
    assert two_sum(nums, 7) == [2000, 2001]
