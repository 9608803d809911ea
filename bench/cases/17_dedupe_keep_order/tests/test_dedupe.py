from dedupe import dedupe, dedupe_by


def test_already_unique_sorted():
    assert dedupe([1, 2, 3]) == [1, 2, 3]


def test_keeps_first_occurrence_order():
    assert dedupe([3, 1, 3, 2, 1]) == [3, 1, 2]


def test_empty():
    assert dedupe([]) == []


def test_dedupe_by_key():
    words = ["Apple", "banana", "apple", "Banana", "cherry"]
    assert dedupe_by(words, str.lower) == ["Apple", "banana", "cherry"]


def test_dedupe_by_order():
    assert dedupe_by([30, 11, 20, 12], lambda n: n % 10) == [30, 11, 12]
