import pytest
from texttable import Column, Table, format_table, pad, truncate


def test_pad_left_right_center():
    assert pad("ab", 5, "left") == "ab   "
    assert pad("ab", 5, "right") == "   ab"
    assert pad("ab", 5, "center") == " ab  "


def test_truncate_short_text_unchanged():
    assert truncate("abc", 5) == "abc"
    assert truncate("abcde", 5) == "abcde"


def test_truncate_long_text():
    assert truncate("abcdefgh", 5) == "abcd~"


def test_plain_table():
    t = Table(["name", Column("qty", align="right")])
    t.add_row("apple", 3).add_row("kiwi", 12)
    assert t.render() == (
        "name   qty\n"
        "-----  ---\n"
        "apple    3\n"
        "kiwi    12"
    )


def test_float_formatting():
    t = Table(["x", Column("v", fmt=".1f", align="right")])
    t.add_row("a", 2.25)
    t.add_row("b", None)
    assert t.render().splitlines()[2:] == ["a  2.2", "b"]


def test_grid_with_footer():
    t = Table(["item", Column("cost", align="right")], style="grid")
    t.add_rows([("tea", 3), ("cake", 10)]).set_footer("total", 13)
    assert t.render() == "\n".join([
        "+-------+------+",
        "| item  | cost |",
        "+=======+======+",
        "| tea   |    3 |",
        "| cake  |   10 |",
        "+-------+------+",
        "| total |   13 |",
        "+-------+------+",
    ])


def test_markdown_alignment_row():
    t = Table([Column("a"), Column("bb", align="right"), Column("ccc", align="center")],
              style="markdown")
    t.add_row("x", 1, "y")
    assert t.render().splitlines()[:2] == ["| a | bb | ccc |", "| - | -: | :-: |"]


def test_max_width_truncates_cells():
    t = Table([Column("description", max_width=6)])
    t.add_row("a very long text")
    assert t.render().splitlines() == ["descr~", "------", "a ver~"]


def test_max_width_in_widths():
    t = Table([Column("c", max_width=4), "d"])
    t.add_row("abcdefg", "x")
    assert t.widths() == [4, 1]


def test_sort_by():
    t = Table(["n"]).add_rows([(3,), (1,), (2,)]).sort_by(0)
    assert [r[0] for r in t.rows] == [1, 2, 3]


def test_wrong_arity():
    with pytest.raises(ValueError):
        Table(["a", "b"]).add_row(1)


def test_bad_style():
    with pytest.raises(ValueError):
        Table(["a"], style="fancy")


def test_format_table_numeric_right_aligned():
    out = format_table(["city", "pop"], [("Oslo", 709), ("Rome", 2873)])
    assert out.splitlines()[2:] == ["Oslo   709", "Rome  2873"]
