from solution import longest_unique


def test_repeat_inside_the_window():
    assert longest_unique("pwwkew") == 3


def test_repeat_before_the_window_start():
    assert longest_unique("abba") == 2


def test_whole_string():
    assert longest_unique("abcdef") == 6


def test_spaces_and_digits():
    assert longest_unique("a b 1 2") == 3


def test_fast_all_distinct():
    s = "".join(chr(0x4E00 + i) for i in range(20_000))
    assert longest_unique(s) == 20_000
