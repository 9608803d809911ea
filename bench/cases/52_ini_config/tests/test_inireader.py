import pytest
from inireader import Config, ConfigError, MissingOption

TEXT = """
; global settings
timeout = 30
debug: no

[server]
Host = example.org
port = 8080
workers = many
features = gzip,
    http2 , tls

[client]
retries = 3
debug = yes
"""


@pytest.fixture
def cfg():
    return Config.parse(TEXT)


def test_sections(cfg):
    assert cfg.sections() == ["server", "client"]


def test_get_case_insensitive_key(cfg):
    assert cfg.get("server", "HOST") == "example.org"


def test_default_visible(cfg):
    assert cfg.get("server", "timeout") == "30"


def test_getint(cfg):
    assert cfg.getint("server", "port") == 8080


def test_getint_missing_with_fallback(cfg):
    assert cfg.getint("client", "port", fallback=80) == 80


def test_getint_missing_without_fallback(cfg):
    with pytest.raises(MissingOption):
        cfg.getint("client", "port")


def test_getint_bad_value_raises_even_with_fallback(cfg):
    with pytest.raises(ConfigError):
        cfg.getint("server", "workers", fallback=4)


def test_getint_bad_value_raises(cfg):
    with pytest.raises(ConfigError):
        cfg.getint("server", "workers")


def test_getbool_override(cfg):
    assert cfg.getbool("client", "debug") is True
    assert cfg.getbool("server", "debug") is False


def test_getlist_with_continuation(cfg):
    assert cfg.getlist("server", "features") == ["gzip", "http2", "tls"]


def test_missing_section(cfg):
    with pytest.raises(ConfigError):
        cfg.get("nope", "x")
    assert cfg.get("nope", "x", fallback=None) is None


def test_bad_header():
    with pytest.raises(ConfigError):
        Config.parse("[broken\nx = 1")


def test_items(cfg):
    assert cfg.items("client") == [("debug", "yes"), ("retries", "3"), ("timeout", "30")]
