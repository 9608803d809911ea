from intervals import merge


def test_example_1():
    assert merge([[1, 3], [2, 6], [8, 10], [15, 18]]) == [[1, 6], [8, 10], [15, 18]]


def test_touching_intervals_merge():
    assert merge([[1, 4], [4, 5]]) == [[1, 5]]


def test_unsorted_input():
    assert merge([[8, 9], [1, 2], [2, 3]]) == [[1, 3], [8, 9]]


def test_contained():
    assert merge([[1, 10], [2, 3], [4, 5]]) == [[1, 10]]


def test_disjoint():
    assert merge([[5, 6], [1, 2]]) == [[1, 2], [5, 6]]


def test_empty():
    assert merge([]) == []
