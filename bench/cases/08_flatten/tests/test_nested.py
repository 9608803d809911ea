from nested import flatten, depth


def test_flat_list():
    assert flatten([1, 2, 3]) == [1, 2, 3]


def test_nested():
    assert flatten([1, [2, [3, (4, 5)]], 6]) == [1, 2, 3, 4, 5, 6]


def test_strings_are_leaves():
    assert flatten(["ab", ["cd"]]) == ["ab", "cd"]


def test_scalar():
    assert flatten(7) == [7]


def test_depth():
    assert depth(3) == 0
    assert depth([]) == 1
    assert depth([1, [2, [3]]]) == 3
