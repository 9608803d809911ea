from textstats import average_word_length, longest_word, words


def test_words():
    assert words("a bb  ccc") == ["a", "bb", "ccc"]


def test_longest_word():
    assert longest_word("the quick brown fox") == "quick"


def test_longest_word_empty():
    assert longest_word("") == ""


def test_average_word_length():
    assert average_word_length("ab abcd") == 3.0
