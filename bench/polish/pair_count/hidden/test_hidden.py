from solution import count_pairs


def test_negative_and_zero():
    assert count_pairs([-2, 2, 0, 0, -2], 0) == 3


def test_no_pair():
    assert count_pairs([1, 2, 4, 8], 100) == 0


def test_single_element_is_no_pair():
    assert count_pairs([3], 6) == 0


def test_all_equal():
    assert count_pairs([5] * 10, 10) == 45


def test_fast_long_list():
    nums = list(range(40_000))
    assert count_pairs(nums, 39_999) == 20_000
