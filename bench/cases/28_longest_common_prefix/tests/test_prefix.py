from prefix import longest_common_prefix


def test_example_1():
    assert longest_common_prefix(["flower", "flow", "flight"]) == "fl"


def test_no_common_prefix():
    assert longest_common_prefix(["dog", "racecar", "car"]) == ""


def test_single_string():
    assert longest_common_prefix(["alone"]) == "alone"


def test_identical():
    assert longest_common_prefix(["ab", "ab", "ab"]) == "ab"


def test_empty_list():
    assert longest_common_prefix([]) == ""


def test_empty_string_member():
    assert longest_common_prefix(["abc", ""]) == ""
