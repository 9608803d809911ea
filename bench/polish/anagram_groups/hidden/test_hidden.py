from solution import group_anagrams


def test_empty_word():
    assert group_anagrams(["", "a", ""]) == [["", ""], ["a"]]


def test_repeated_letters_differ():
    assert group_anagrams(["aab", "abb", "bba", "baa"]) == [["aab", "baa"], ["abb", "bba"]]


def test_duplicates_kept():
    assert group_anagrams(["ab", "ab", "ba"]) == [["ab", "ab", "ba"]]


def test_fast_many_groups():
    words = [f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676 % 26)}" for i in range(17_576)]
    groups = group_anagrams(words + ["zyx"])
    assert len(groups) == 3_276 and groups[0] == ["aaa"]
