from solution import top_k


def test_ties_alphabetical():
    assert top_k(["pear", "apple", "pear", "apple", "fig"], 3) == ["apple", "pear", "fig"]


def test_k_zero():
    assert top_k(["a", "a"], 0) == []


def test_single_word():
    assert top_k(["solo"] * 4, 1) == ["solo"]


def test_fast_many_distinct_words():
    words = [f"w{i % 20_000:05d}" for i in range(60_000)] + ["w00007"]
    assert top_k(words, 3) == ["w00007", "w00000", "w00001"]
