from wordcount import word_counts, most_common


def test_counts():
    assert word_counts("the cat and the hat") == {"the": 2, "cat": 1, "and": 1, "hat": 1}


def test_case_insensitive():
    assert word_counts("Go go GO") == {"go": 3}


def test_empty():
    assert word_counts("") == {}


def test_most_common():
    assert most_common("b a b c a b", 2) == [("b", 3), ("a", 2)]
