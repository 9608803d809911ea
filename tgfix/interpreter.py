"""Which Python runs the tests: the project's own environment, so that what its tests import is there.

--python > TGFIX_PYTHON / [tool.tgfix] python > the active virtualenv > .venv/ or venv/ in the
project > tgfix's own. tgfix's pytest plugin (and tgfix's coverage, when that environment has none
and the Python versions match) reach it through a folder on PYTHONPATH that holds only them, so
nothing else of tgfix's environment leaks into the project's.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import coverage

from tgfix import sandbox
from tgfix.errors import TestSetupError, UsageError

PLUGIN = "tgfix_pytest_plugin"  # the module name tgfix's pytest plugin has in the test subprocess
LINE_SAMPLER = "tgfix_line_sampler"  # and the line profiler beside it, which the plugin imports
CONFIGURED = "the python setting (--python, TGFIX_PYTHON or [tool.tgfix] python)"
OWN = "tgfix's own"
VIRTUALENVS = (".venv", "venv")
PROBE = ("import sys, importlib.util as u; print(*sys.version_info[:2], "
         "*(int(u.find_spec(m) is not None) for m in ('pytest', 'coverage')))")
FIND_MODULE = """\
import importlib.util, sys
sys.path[:] = [path for path in sys.path if path]  # not the folder -c runs in: the tests run in the copy
try:
    spec = importlib.util.find_spec(sys.argv[1])
except (ImportError, ValueError):
    spec = None
print(spec.origin if spec and spec.has_location else "")
"""


@dataclass(frozen=True)
class Interpreter:
    executable: str
    why: str                  # which rule chose it
    version: tuple[int, int]  # major, minor
    has_pytest: bool
    has_coverage: bool

    @property
    def borrows_coverage(self) -> bool:
        """No coverage of its own, but tgfix's runs there: same major.minor, so the same C tracer ABI."""
        return not self.has_coverage and self.version == sys.version_info[:2]

    @property
    def no_coverage_reason(self) -> str:
        """Why tests cannot run under coverage with this interpreter; "" when they can."""
        if self.has_coverage or self.borrows_coverage:
            return ""
        return (f"no fault localization: coverage is not installed for {self.executable} "
                f"(Python {_dotted(self.version)}) and tgfix's own is for Python {_dotted(sys.version_info[:2])}")

    def describe(self) -> str:
        coverage_from = ("its own" if self.has_coverage else "tgfix's" if self.borrows_coverage
                         else "none, " + self.no_coverage_reason)
        return (f"tests run with: {self.executable} ({self.why}); Python {_dotted(self.version)}, "
                f"pytest {'yes' if self.has_pytest else 'NOT installed'}, coverage: {coverage_from}")


def choose(root: Path, configured: str | None = None, why_configured: str = CONFIGURED) -> Interpreter:
    """The interpreter for root's tests, by the documented precedence; one-line errors for a bad setting."""
    executable, why = _chosen_executable(root, configured, why_configured)
    return _probe(executable, why, str(root), os.environ.get("PYTHONPATH", ""))


def require_pytest(interpreter: Interpreter) -> None:
    if not interpreter.has_pytest:
        raise TestSetupError(f"pytest is not installed for {interpreter.executable} ({interpreter.why}): "
                             "install it there, or choose another interpreter with --python")


def installed_at(interpreter: Interpreter, module: str, root: Path) -> str:
    """Where the interpreter's own setup (site-packages, the .pth files and import hooks of installs,
    PYTHONPATH) finds the top-level `module`, whatever folder it runs in; "" where nothing does."""
    return _find_module(interpreter.executable, module, str(root), os.environ.get("PYTHONPATH", ""))


def python_path(interpreter: Interpreter, folder: Path) -> str:
    """Fill folder with the plugin, its line sampler (and tgfix's coverage if borrowed); the PYTHONPATH that
    puts it first."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).with_name("pytest_plugin.py"), folder / f"{PLUGIN}.py")
    shutil.copyfile(Path(__file__).with_name("line_sampler.py"), folder / f"{LINE_SAMPLER}.py")
    if interpreter.borrows_coverage:
        (folder / "coverage").symlink_to(Path(coverage.__file__).parent, target_is_directory=True)
    inherited = os.environ.get("PYTHONPATH")
    return os.pathsep.join([str(folder), inherited] if inherited else [str(folder)])


def _chosen_executable(root: Path, configured: str | None, why_configured: str) -> tuple[str, str]:
    if configured:
        return _configured_executable(configured, why_configured), why_configured
    active = os.environ.get("VIRTUAL_ENV")
    if active and (python := _venv_python(Path(active))):
        return python, f"the active virtualenv, VIRTUAL_ENV={active}"
    for name in VIRTUALENVS:
        if python := _venv_python(root / name):
            return python, f"the project's {name}/"
    return sys.executable, OWN


def _configured_executable(value: str, why: str) -> str:
    """A path (or a virtualenv folder, or a command on PATH); never resolved through symlinks,
    which would turn a virtualenv's python into the base interpreter."""
    found = _venv_python(Path(value)) if Path(value).is_dir() else shutil.which(value)
    if not found:
        raise UsageError(f"{why}: no Python interpreter at {value}")
    return os.path.abspath(found)


def _venv_python(venv: Path) -> str | None:
    python = venv / "bin" / "python"
    return str(python) if os.access(python, os.X_OK) and python.is_file() else None


@functools.cache
def _probe(executable: str, why: str, cwd: str, pythonpath: str) -> Interpreter:
    if executable == sys.executable:  # tgfix depends on pytest and coverage: no subprocess needed
        return Interpreter(executable, why, sys.version_info[:2], True, True)
    try:  # the environment of a test run, without tgfix's folder: does the project's own have coverage?
        result = subprocess.run([executable, "-c", PROBE], cwd=cwd, env=sandbox.scrubbed_env(),
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        raise TestSetupError(f"cannot run {executable} ({why}): {error}") from None
    try:
        major, minor, pytest, has_coverage = map(int, result.stdout.split())
    except ValueError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise TestSetupError(f"cannot run {executable} ({why}) as Python: {last}") from None
    return Interpreter(executable, why, (major, minor), bool(pytest), bool(has_coverage))


@functools.cache
def _find_module(executable: str, module: str, cwd: str, pythonpath: str) -> str:
    try:  # find_spec of a top-level name runs none of its code
        result = subprocess.run([executable, "-c", FIND_MODULE, module], cwd=cwd, env=sandbox.scrubbed_env(),
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):  # the test run will say what is wrong with the interpreter
        return ""
    return result.stdout.strip()


def _dotted(version: tuple[int, int]) -> str:
    return ".".join(map(str, version))
