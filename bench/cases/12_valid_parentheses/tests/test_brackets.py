from brackets import is_valid


def test_simple():
    assert is_valid("()")


def test_mixed():
    assert is_valid("()[]{}")


def test_nested():
    assert is_valid("{[()()]}")


def test_wrong_type():
    assert not is_valid("(]")


def test_wrong_order():
    assert not is_valid("([)]")


def test_unclosed():
    assert not is_valid("((")


def test_extra_closer():
    assert not is_valid("())")


def test_empty():
    assert is_valid("")
