import pytest
from rle import encode, decode


def test_encode_basic():
    assert encode("aaabcc") == "3a1b2c"


def test_encode_single_char():
    assert encode("x") == "1x"


def test_encode_empty():
    assert encode("") == ""


def test_encode_rejects_digits():
    with pytest.raises(ValueError):
        encode("a1")


def test_decode_basic():
    assert decode("3a1b2c") == "aaabcc"


def test_decode_multi_digit():
    assert decode("12a1b") == "a" * 12 + "b"


def test_round_trip():
    text = "wwwwwwwwwwwwwwbxxxxxxxxxxxxyy z"
    assert decode(encode(text)) == text
