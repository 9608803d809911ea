import pytest
from csvline import split_csv_line


def test_plain():
    assert split_csv_line("a,b,c") == ["a", "b", "c"]


def test_empty_fields():
    assert split_csv_line(",x,") == ["", "x", ""]


def test_quoted_separator():
    assert split_csv_line('"a,b",c') == ["a,b", "c"]


def test_escaped_quote():
    assert split_csv_line('"say ""hi""",2') == ['say "hi"', "2"]


def test_only_escaped_quote():
    assert split_csv_line('""""') == ['"']


def test_other_separator():
    assert split_csv_line("1;2", sep=";") == ["1", "2"]


def test_unterminated():
    with pytest.raises(ValueError):
        split_csv_line('"abc')
