from dupes import find_duplicates


def test_basic():
    assert find_duplicates([1, 2, 3, 2, 1, 5]) == [2, 1]


def test_none():
    assert find_duplicates([4, 5, 6]) == []


def test_triple_reported_once():
    assert find_duplicates(["a", "a", "a"]) == ["a"]
