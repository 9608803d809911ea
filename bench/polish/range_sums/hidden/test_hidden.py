from solution import range_sums


def test_negative_values():
    assert range_sums([-1, 4, -3], [(0, 2), (1, 2)]) == [0, 1]


def test_whole_range():
    assert range_sums([2, 2, 2, 2], [(0, 3)]) == [8]


def test_single_elements():
    assert range_sums([7, 8, 9], [(0, 0), (1, 1), (2, 2)]) == [7, 8, 9]


def test_fast_many_long_queries():
    nums = list(range(50_000))
    queries = [(i % 100, 49_999 - i % 100) for i in range(2_000)]
    sums = range_sums(nums, queries)
    assert sums[0] == sum(range(50_000)) and len(sums) == 2_000
