import pytest
from radix import to_base

# NOTE: no in-test timeout on purpose -- the buggy version hangs and the
# benchmark runner's own timeout must handle it.


def test_zero():
    assert to_base(0, 2) == "0"


def test_binary():
    assert to_base(5, 2) == "101"


def test_hex():
    assert to_base(255, 16) == "ff"


def test_negative():
    assert to_base(-10, 10) == "-10"


def test_bad_base():
    with pytest.raises(ValueError):
        to_base(3, 1)
