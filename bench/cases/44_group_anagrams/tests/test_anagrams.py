from anagrams import group_anagrams


def test_example_1():
    assert group_anagrams(["eat", "tea", "tan", "ate", "nat", "bat"]) == [
        ["eat", "tea", "ate"], ["tan", "nat"], ["bat"]]


def test_empty_string():
    assert group_anagrams([""]) == [[""]]


def test_single():
    assert group_anagrams(["a"]) == [["a"]]


def test_repeated_letters_matter():
    assert group_anagrams(["aab", "abb", "bba", "aba"]) == [["aab", "aba"], ["abb", "bba"]]
