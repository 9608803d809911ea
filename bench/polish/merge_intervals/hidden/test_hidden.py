from solution import merge


def test_unsorted_input():
    assert merge([[8, 10], [1, 3], [2, 6]]) == [[1, 6], [8, 10]]


def test_contained_interval():
    assert merge([[1, 10], [2, 3], [4, 5]]) == [[1, 10]]


def test_single_points():
    assert merge([[5, 5], [5, 5], [6, 6]]) == [[5, 5], [6, 6]]


def test_chain_merges_through_a_later_interval():
    assert merge([[1, 2], [5, 6], [2, 5]]) == [[1, 6]]


def test_fast_many_disjoint():
    intervals = [[3 * i, 3 * i + 1] for i in range(20_000, 0, -1)]
    assert merge(intervals) == sorted(intervals)
