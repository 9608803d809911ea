from convert import to_int, parse_ints


def test_valid():
    assert to_int(" 42 ") == 42


def test_negative():
    assert to_int("-7") == -7


def test_invalid_returns_default():
    assert to_int("4x2", default=0) == 0


def test_invalid_returns_none():
    assert to_int("") is None


def test_parse_many():
    assert parse_ints(["1", "two", "3", "4.5"]) == [1, 3]
