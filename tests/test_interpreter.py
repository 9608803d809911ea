"""Tests run with the project's own Python: --python > TGFIX_PYTHON / [tool.tgfix] python > VIRTUAL_ENV
> .venv/ or venv/ > tgfix's own.

The virtualenvs here are real (`python -m venv --without-pip`) and offline: a module dropped into
their site-packages is what only the project has, and a .pth file gives them pytest from a folder
of symlinks to this environment's pytest and nothing else.
"""

import glob
import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import coverage
import pytest

from conftest import BUGGY_STATS, cli
from tgfix import config, interpreter
from tgfix.console import Console
from tgfix.commands.doctor import diagnose
from tgfix.errors import TestSetupError, UsageError
from tgfix.runner import TestSpec, run_tests
from tgfix.sandbox import files_under

ONLY_IN_THE_VENV = "ANSWER = 42\n"
TESTS = "import projlib\n\ndef test_answer():\n    assert projlib.ANSWER == 42\n"


def make_venv(where: Path, *, paths: tuple[Path, ...] = (), base: str = sys.executable) -> Path:
    """A real virtualenv whose site-packages holds projlib and a .pth naming `paths`; its python."""
    subprocess.run([base, "-m", "venv", "--without-pip", str(where)], check=True)
    (site,) = where.glob("lib/python*/site-packages")
    (site / "projlib.py").write_text(ONLY_IN_THE_VENV)
    (site / "extra.pth").write_text("".join(f"{path}\n" for path in paths))
    return where / "bin" / "python"


def project_with_tests(root: Path) -> TestSpec:
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_projlib.py").write_text(TESTS)
    (root / "mod.py").write_text("")
    return TestSpec(root, ("tests",), test_timeout=5)


@pytest.fixture(autouse=True)
def no_active_virtualenv(monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("TGFIX_PYTHON", raising=False)


@pytest.mark.slow
def test_tests_pass_with_the_projects_venv_and_fail_with_tgfixs_own(tmp_path, only_pytest):
    spec = project_with_tests(tmp_path)
    venv_python = make_venv(tmp_path / ".venv", paths=(only_pytest,))
    assert not any(".venv" in path.parts for path in files_under(tmp_path))  # never copied into the sandbox

    report, _ = run_tests(spec, {"mod.py": ""})
    assert report.all_passed, report.output
    assert interpreter.choose(tmp_path).executable == str(venv_python)

    report, _ = run_tests(TestSpec(tmp_path, ("tests",), python=sys.executable), {"mod.py": ""})
    assert not report.all_passed and "No module named 'projlib'" in report.output


def test_precedence(tmp_path, monkeypatch):
    project = tmp_path / "project"
    pythons = {name: make_venv(tmp_path / name) for name in ("configured", "active")}
    pythons |= {name: make_venv(project / name) for name in (".venv", "venv")}

    def chosen(configured=None):
        found = interpreter.choose(project, configured)
        return Path(found.executable), found.why

    assert chosen(str(pythons["configured"])) == (pythons["configured"], interpreter.CONFIGURED)
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "active"))
    assert chosen(str(tmp_path / "configured")) == (pythons["configured"], interpreter.CONFIGURED)  # a venv folder
    assert chosen() == (pythons["active"], f"the active virtualenv, VIRTUAL_ENV={tmp_path / 'active'}")
    monkeypatch.delenv("VIRTUAL_ENV")
    assert chosen() == (pythons[".venv"], "the project's .venv/")
    os.remove(pythons[".venv"])
    assert chosen() == (pythons["venv"], "the project's venv/")
    os.remove(pythons["venv"])
    assert chosen() == (Path(sys.executable), interpreter.OWN)


def test_flag_beats_environment_beats_pyproject_relative_to_the_project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.tgfix]\npython = "env/bin/python"\n')
    assert config.load({}, tmp_path).python == str(tmp_path / "env" / "bin" / "python")
    monkeypatch.setenv("TGFIX_PYTHON", "/from/env/python")
    assert config.load({}, tmp_path).python == "/from/env/python"
    assert config.load({"python": "/from/flag/python"}, tmp_path).python == "/from/flag/python"


def test_tgfixs_own_python_is_the_fallback(tmp_path):
    chosen = interpreter.choose(tmp_path)
    assert (chosen.executable, chosen.why, chosen.has_pytest) == (sys.executable, interpreter.OWN, True)
    report, _ = run_tests(project_with_tests(tmp_path), {"mod.py": ""})
    assert "No module named 'projlib'" in report.output


def test_no_pytest_is_exit_6_before_any_model_call(project, monkeypatch, scripted, tmp_path):
    bare = make_venv(tmp_path / "bare")
    with pytest.raises(TestSetupError, match="pytest is not installed for"):
        run_tests(TestSpec(project, ("tests",), python=str(bare)), {"stats.py": BUGGY_STATS})
    monkeypatch.chdir(project)
    result = cli("solve", "stats.py", "--python", str(bare))
    assert result.exit_code == 6, result.output
    assert result.output.splitlines() == [f"tgfix: error: pytest is not installed for {bare} ({interpreter.CONFIGURED}): "
                                          "install it there, or choose another interpreter with --python"]
    assert scripted.requests == []


def test_missing_interpreter_is_a_usage_error(project, monkeypatch):
    monkeypatch.chdir(project)
    result = cli("solve", "stats.py", "--python", "no/such/python")
    assert result.exit_code == 2
    assert result.output == f"tgfix: error: {interpreter.CONFIGURED}: no Python interpreter at no/such/python\n"
    with pytest.raises(UsageError):
        interpreter.choose(project, "no/such/python")


def stats_project(root: Path) -> TestSpec:
    (root / "tests").mkdir(parents=True)
    (root / "stats.py").write_text(BUGGY_STATS)
    (root / "tests" / "test_s.py").write_text("from stats import largest\ndef test_largest(): assert largest([1, 5]) == 5\n")
    (root / "conftest.py").write_text("")
    return TestSpec(root, ("tests",))


def test_coverage_of_the_venv_itself(tmp_path, only_pytest):
    spec = stats_project(tmp_path / "project")
    with_coverage = tmp_path / "with-coverage"
    with_coverage.mkdir()
    (with_coverage / "coverage").symlink_to(Path(coverage.__file__).parent)
    make_venv(spec.root / ".venv", paths=(only_pytest, with_coverage))
    chosen = interpreter.choose(spec.root)
    assert chosen.has_coverage and not chosen.borrows_coverage
    report, lines = run_tests(spec, {"stats.py": BUGGY_STATS}, coverage_of=("stats.py",))
    assert lines["stats.py"][8] == {"tests.test_s.test_largest"} and report.note == ""


def test_coverage_borrowed_from_tgfix_when_the_python_matches(tmp_path, only_pytest):
    spec = stats_project(tmp_path / "project")
    make_venv(spec.root / ".venv", paths=(only_pytest,))
    chosen = interpreter.choose(spec.root)
    assert not chosen.has_coverage and chosen.borrows_coverage
    report, lines = run_tests(spec, {"stats.py": BUGGY_STATS}, coverage_of=("stats.py",))
    assert lines["stats.py"][8] == {"tests.test_s.test_largest"} and report.note == ""


def other_python() -> str:
    """An installed Python >= 3.10 (what pytest needs) of another major.minor than this one."""
    candidates = glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")) + \
        [f"/usr/bin/python3.{minor}" for minor in range(10, 16)]
    for candidate in candidates:
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info >= (3, 10), sys.version_info[:2])"],
                               capture_output=True, text=True) if os.access(candidate, os.X_OK) else None
        if probe and probe.stdout.startswith("True") and str(tuple(sys.version_info[:2])) not in probe.stdout:
            return candidate
    pytest.skip("no Python >= 3.10 of another version installed")


def test_no_coverage_when_the_python_differs_and_v_says_why(tmp_path, only_pytest):
    spec = stats_project(tmp_path / "project")
    make_venv(spec.root / ".venv", paths=(only_pytest,), base=other_python())
    report, lines = run_tests(spec, {"stats.py": BUGGY_STATS}, coverage_of=("stats.py",))
    assert report.failures and not lines["stats.py"]
    assert report.note.startswith(f"no fault localization: coverage is not installed for {spec.root / '.venv/bin/python'}")
    stream = io.StringIO()
    loss = SimpleNamespace(report=report, passed=False, text=lambda: "the loss",
                           variable=SimpleNamespace(name="stats.py"))
    Console(1, stream).started([loss])
    assert report.note in stream.getvalue()
    stream = io.StringIO()
    Console(0, stream).started([loss])
    assert report.note not in stream.getvalue()


def test_doctor_names_the_interpreter_and_why(tmp_path, only_pytest, monkeypatch):
    venv_python = make_venv(tmp_path / ".venv", paths=(only_pytest,))
    monkeypatch.chdir(tmp_path)
    lines, _ = diagnose(config.load({}, tmp_path), probe=False)
    assert f"tests run with: {venv_python} (the project's .venv/); Python {sys.version_info[0]}.{sys.version_info[1]}, " \
           "pytest yes, coverage: tgfix's" in lines
