from rotate import rotate_right


def test_rotate_by_one():
    assert rotate_right([1, 2, 3, 4], 1) == [4, 1, 2, 3]


def test_rotate_by_two():
    assert rotate_right([1, 2, 3, 4, 5], 2) == [4, 5, 1, 2, 3]


def test_full_cycle():
    assert rotate_right([1, 2, 3], 3) == [1, 2, 3]


def test_in_place():
    xs = ["a", "b"]
    rotate_right(xs, 1)
    assert xs == ["b", "a"]


def test_empty():
    assert rotate_right([], 4) == []
