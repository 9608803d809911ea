from solution import edit_distance


def test_intention_execution():
    assert edit_distance("intention", "execution") == 5


def test_deletions_only():
    assert edit_distance("abcdef", "ace") == 3


def test_one_empty():
    assert edit_distance("abc", "") == 3


def test_fast_unrelated_words():
    assert edit_distance("abcdefghijklmnop", "qrstuvwxyzabcdef") == 16


def test_fast_long_strings():
    assert edit_distance("a" * 300, "b" * 300) == 300
