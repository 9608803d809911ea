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
    with pytest.raises(UsageError, match=f"^TGFIX_{name}: "):
        config.load({}, root)


@pytest.mark.parametrize("flags, message", [
    ({"patience": -1}, "--patience: input should be greater than or equal to 1"),
    ({"test_timeout": 0}, "--test-timeout: input should be greater than 0"),
    ({"temperature": 5.0}, "--temperature: input should be less than or equal to 2"),
    ({"temperature": -1.0}, "--temperature: input should be greater than or equal to 0"),
    ({"max_cost": 0.0}, "--max-cost: input should be greater than 0"),
    ({"memory": -2}, "--memory: input should be greater than or equal to 0"),
])
def test_numbers_out_of_range_name_the_limit(root, flags, message):
    with pytest.raises(UsageError, match=f"^{message}"):
        config.load(flags, root)


@pytest.mark.parametrize("value, expected", [("true", True), ("0", False), ("yes", True), ("off", False)])
def test_booleans_from_the_environment(root, monkeypatch, value, expected):
    monkeypatch.setenv("TGFIX_COMMIT", value)
    assert config.load({}, root).commit is expected


def test_a_misspelt_boolean_names_its_origin(root, monkeypatch):
    monkeypatch.setenv("TGFIX_COMMIT", "ture")
    with pytest.raises(UsageError, match="^TGFIX_COMMIT: input should be a valid boolean"):
        config.load({}, root)
    monkeypatch.delenv("TGFIX_COMMIT")
    (root / "pyproject.toml").write_text('[tool.tgfix]\ncommit = "yes please"\n')
    with pytest.raises(UsageError, match=r"^commit in \[tool.tgfix\] of .*pyproject.toml: input should be a valid"):
        config.load({}, root)


def test_an_unknown_tgfix_variable_is_a_warning_for_the_caller_to_show(root, monkeypatch, capsys):
    monkeypatch.setenv("TGFIX_MODLE", "typo")
    assert config.load({}, root).warnings == ("TGFIX_MODLE names no tgfix setting; ignored",)
    assert capsys.readouterr().err == ""  # loading prints nothing: the command line shows it (test_cli.py)


@pytest.mark.parametrize("variable", ["TGFIX_REQUIRE_MODEL", "TGFIX_REQUIRE_BROWSER", "TGFIX_REQUIRE_SANDBOX"])
def test_the_test_suites_own_variables_are_no_warning(root, monkeypatch, variable):
    """CI sets them (.ci/run): a warning would change every exact-output test's output."""
    monkeypatch.setenv(variable, "1")
    assert config.load({}, root).warnings == ()


def test_unknown_key_is_a_usage_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.tgfix]\nmodle = 'typo'\n")
    with pytest.raises(UsageError, match="modle"):
        config.load({}, tmp_path)
