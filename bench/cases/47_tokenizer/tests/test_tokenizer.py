import pytest
from tokenizer import tokenize, kinds_and_values, LexError, Token


def test_simple_assignment():
    assert kinds_and_values("let x = 42;") == [
        ("KEYWORD", "let"), ("IDENT", "x"), ("OP", "="), ("NUMBER", 42), ("PUNCT", ";")]


def test_float_and_int():
    assert kinds_and_values("3.25 7") == [("NUMBER", 3.25), ("NUMBER", 7)]


def test_two_char_operators():
    assert [v for _, v in kinds_and_values("a<=b != c && d->e")] == [
        "a", "<=", "b", "!=", "c", "&&", "d", "->", "e"]


def test_two_char_operator_at_end_of_input():
    assert kinds_and_values("x >=") == [("IDENT", "x"), ("OP", ">=")]


def test_single_char_operator_at_end():
    assert kinds_and_values("y !") == [("IDENT", "y"), ("OP", "!")]


def test_string_escapes():
    assert kinds_and_values(r'"a\tb\"c\\"') == [("STRING", 'a\tb"c\\')]


def test_comment_skipped():
    assert kinds_and_values("a # comment here\nb") == [("IDENT", "a"), ("IDENT", "b")]


def test_positions_first_line():
    toks = tokenize("fn f(x)")
    assert [(t.line, t.col) for t in toks[:3]] == [(1, 1), (1, 4), (1, 5)]


def test_positions_after_newline():
    toks = tokenize("a\n  bb\n   c")
    assert [(t.value, t.line, t.col) for t in toks[:3]] == [("a", 1, 1), ("bb", 2, 3), ("c", 3, 4)]


def test_eof_token():
    assert tokenize("")[-1] == Token("EOF", None, 1, 1)


def test_unterminated_string():
    with pytest.raises(LexError):
        tokenize('"abc')


def test_bad_character_position():
    with pytest.raises(LexError) as info:
        tokenize("ok\n  @")
    assert (info.value.line, info.value.col) == (2, 3)


def test_lone_ampersand():
    with pytest.raises(LexError):
        tokenize("a & b")


def test_bad_number():
    with pytest.raises(LexError):
        tokenize("12abc")
