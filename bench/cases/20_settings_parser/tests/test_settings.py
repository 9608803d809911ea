import pytest
from settings import parse_settings, SettingsError


def test_basic():
    assert parse_settings("name = demo\nport = 8080\n") == {"name": "demo", "port": 8080}


def test_comments_and_blank_lines():
    assert parse_settings("# header\n\n  debug = yes  \n") == {"debug": "yes"}


def test_value_may_contain_equals():
    assert parse_settings("expr = a=b") == {"expr": "a=b"}


def test_missing_equals_is_error():
    with pytest.raises(SettingsError) as info:
        parse_settings("a = 1\njunk line\n")
    assert info.value.lineno == 2


def test_empty_key_is_error():
    with pytest.raises(SettingsError):
        parse_settings(" = 3")
