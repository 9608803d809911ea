from substring import length_of_longest_substring


def test_example_1():
    assert length_of_longest_substring("abcabcbb") == 3


def test_example_2():
    assert length_of_longest_substring("bbbbb") == 1


def test_example_3():
    assert length_of_longest_substring("pwwkew") == 3


def test_empty():
    assert length_of_longest_substring("") == 0


def test_single_char():
    assert length_of_longest_substring("z") == 1


def test_stale_repeat_before_window():
    assert length_of_longest_substring("abba") == 2


def test_long_tail():
    assert length_of_longest_substring("tmmzuxt") == 5
