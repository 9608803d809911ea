"""Settings precedence: flags > TGFIX_* environment > [tool.tgfix] in pyproject.toml > defaults."""

import pytest

from tgfix import config
from tgfix.errors import UsageError


@pytest.fixture
def root(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.tgfix]\nmodel = "from-pyproject"\nmax-iters = 7\n'
                                             'tests = "tests"\ncandidates = 2\n')
    return tmp_path


def test_precedence(root, monkeypatch):
    monkeypatch.setenv("TGFIX_MODEL", "from-env")
    monkeypatch.setenv("TGFIX_CANDIDATES", "3")
    settings = config.load({"model": "from-flag", "seed": None}, root)
    assert settings.model == "from-flag"
    assert settings.candidates == 3          # env beats pyproject
    assert settings.max_iters == 7           # pyproject beats default
    assert settings.seed == 0                # default; an unset flag does not override
    assert settings.tests == (str(root / "tests"),)  # pyproject paths are relative to the project


@pytest.mark.parametrize("name, value", [("MAX_ITERS", "many"), ("GRADIENT", "sometimes"), ("EDIT_FORMAT", "xml")])
def test_bad_values_are_usage_errors(root, monkeypatch, name, value):
    monkeypatch.setenv(f"TGFIX_{name}", value)
    with pytest.raises(UsageError, match=name.lower()):
        config.load({}, root)


def test_unknown_key_is_a_usage_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.tgfix]\nmodle = 'typo'\n")
    with pytest.raises(UsageError, match="modle"):
        config.load({}, tmp_path)
