"""What the sandbox hides from the tests, read from their failures at the start of a run.

A test that passes in the user's shell can fail in the sandbox because tgfix removed a variable
from its environment, cut the network, or runs it with another Python. No edit of FILE fixes
that, so such a failure is a setup problem, named with the option that fixes it, before any
model call. Each case needs evidence beyond the error's text, so that a failure FILE causes is
never taken for one: the variable is set in tgfix's own environment, the service answers from
outside the sandbox, the module is one another Python of the user's has or the project declares.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

from tgfix import interpreter, sandbox
from tgfix.runner import TestCase, TestSpec, connections

MISSING_VARIABLE = re.compile(r"KeyError: '(?P<name>[A-Za-z_][A-Za-z0-9_]*)'")
ENVIRON = re.compile(r"environ|/os\.py:\d+")  # os.environ[...] in a test's line, or os's own __getitem__ frame
MISSING_MODULE = re.compile(r"No module named '(?P<module>[\w.]+)'")
REFUSED = re.compile(r"Connection refused|ECONNREFUSED|\[Errno 111\]")
NO_ROUTE = re.compile(r"Network is unreachable|\[Errno 101\]|Temporary failure in name resolution|\[Errno -3\]")
# Where a client says it connected: ("127.0.0.1", 5432), host='localhost', port=8000 (urllib3),
# "localhost" (127.0.0.1), port 5432 (psycopg), localhost:6379 (redis), a URL.
ADDRESSES = (re.compile(r"\(\s*['\"](?P<host>[\w.:-]+)['\"]\s*,\s*(?P<port>\d{1,5})\s*\)"),
             re.compile(r"host=['\"]?(?P<host>[\w.:-]+?)['\"]?,\s*port=(?P<port>\d{1,5})"),
             re.compile(r"at \"(?P<host>[\w.:-]+)\"(?: \([^)]*\))?,? port (?P<port>\d{1,5})"),
             re.compile(r"(?P<host>localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})\b"),
             re.compile(r"\w+://(?:[^@/\s]*@)?(?P<host>[\w.-]+)(?::(?P<port>\d{1,5}))?"))
REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def hidden_by_sandbox(failures: tuple[TestCase, ...], spec: TestSpec, files: dict[str, str]) -> str | None:
    """Why these failures of the tests with `files` in place (the first run) come from the sandbox rather
    than from the files, with the option that fixes it, or None."""
    texts = [f"{case.message}\n{case.traceback}" for case in failures]
    pytest_texts = [text for case, text in zip(failures, texts) if not case.id.startswith("command: ")]
    return (_removed_variables(texts, spec.access) or _network_cut(texts, pytest_texts, spec, files)
            or (_missing_modules(pytest_texts, spec) if spec.tests else None))


def _removed_variables(texts: list[str], access: sandbox.Access) -> str | None:
    names = sorted({found["name"] for text in texts if ENVIRON.search(text)
                    for found in MISSING_VARIABLE.finditer(text)
                    if found["name"] in os.environ and not access.passes(found["name"])})
    if not names:
        return None
    options = " ".join(f"--pass-env {name}" for name in names)
    return (f"the tests need the environment variable{'s' if len(names) > 1 else ''} {', '.join(names)}, set "
            f"here but removed by tgfix's sandbox: pass {options} (or pass_env in [tool.tgfix], TGFIX_PASS_ENV)")


def _network_cut(texts: list[str], pytest_texts: list[str], spec: TestSpec, files: dict[str, str]) -> str | None:
    """A connection refused to a service on this machine's loopback that answers outside the sandbox (the
    address from the error's text, else from a second run of the tests that records where they connect),
    or a host out of reach: the sandbox has no route beyond its own loopback."""
    if not sandbox.isolation().cuts_network(spec.access):
        return None
    tried = {address for text in texts if REFUSED.search(text) for address in _addresses(text)}
    if spec.tests and any(REFUSED.search(text) for text in pytest_texts):
        tried |= connections(spec, files)
    refused = {(host, port) for host, port in tried if _is_loopback(host) and port and _answers(host, port)}
    unrouted = {address for text in texts if NO_ROUTE.search(text) for address in _addresses(text) or [("", 0)]}
    if not refused and not unrouted:
        return None
    where = ", ".join(sorted(f"{host}:{port}" if port else host for host, port in refused | unrouted if host))
    return (f"the tests connect to {where or 'the network'}, which tgfix's sandbox cuts: pass --network "
            f"(or network = true in [tool.tgfix], TGFIX_NETWORK=1) to keep this machine's network for them")


def _missing_modules(texts: list[str], spec: TestSpec) -> str | None:
    names = {found["module"].split(".")[0] for text in texts for found in MISSING_MODULE.finditer(text)}
    names = sorted(name for name in names if not is_project_module(name, spec.root))
    if not names:
        return None
    tests_python = interpreter.choose(spec.root, spec.python)
    declared = declared_modules(spec.root)
    for name in names:
        having = next((python for python in _user_pythons(spec.root)
                       if python != tests_python.executable and _has_module(python, name)), None)
        where = f"the tests' Python, {tests_python.executable} ({tests_python.why}), has no module {name}"
        if having:
            return f"{where}, which {having} has: pass --python {having}, or install {name} there"
        if _normalized(name) in declared:
            return (f"{where}, which the project declares as a dependency: install it there, or pass --python "
                    f"with the Python that has it")
    return None


def is_project_module(name: str, root: Path) -> bool:
    """Whether `import name` means a module of the project itself (at its root or under src/)."""
    return any((folder / name).is_dir() or (folder / f"{name}.py").is_file() for folder in (root, root / "src"))


def is_third_party(name: str, root: Path) -> bool:
    """Whether `name` is a third-party module: not the standard library's, not the project's, and one
    that a Python of the user's has or that the project declares (a name nobody has is a typo)."""
    if name in sys.stdlib_module_names or is_project_module(name, root):
        return False
    return _normalized(name) in declared_modules(root) or any(_has_module(python, name) for python in
                                                              _user_pythons(root))


def declared_modules(root: Path) -> set[str]:
    """The distributions the project depends on (pyproject.toml, requirements*.txt), normalized as module
    names: a distribution named unlike its module (PyYAML for yaml) is not recognized."""
    names = []
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError):
        project = {}
    table = project.get("project", {})
    names += table.get("dependencies", [])
    names += [r for group in table.get("optional-dependencies", {}).values() for r in group]
    names += [r for group in project.get("dependency-groups", {}).values() for r in group if isinstance(r, str)]
    names += list(project.get("tool", {}).get("poetry", {}).get("dependencies", {}))
    for requirements in root.glob("requirements*.txt"):
        names += requirements.read_text(errors="replace").splitlines()
    return {_normalized(found[1]) for name in names if (found := REQUIREMENT_NAME.match(name))}


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _user_pythons(root: Path) -> list[str]:
    """The user's Pythons: the shell's, the active and the project's virtualenvs, and last tgfix's own
    (an environment of tgfix's dependencies, rarely what should run the tests)."""
    active = os.environ.get("VIRTUAL_ENV")
    found = [shutil.which("python3"), shutil.which("python"), active and str(Path(active) / "bin" / "python"),
             *(str(root / name / "bin" / "python") for name in interpreter.VIRTUALENVS), sys.executable]
    return [python for python in dict.fromkeys(found) if python and os.access(python, os.X_OK)]


@functools.cache
def _has_module(python: str, name: str) -> bool:
    """Whether `python`, as the user's shell runs it (outside the project folder), can import `name`."""
    probe = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({name!r}) is None)"
    try:
        return subprocess.run([python, "-c", probe], cwd="/", stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _addresses(text: str) -> list[tuple[str, int]]:
    return [(found["host"].strip("[]"), int(found["port"] or 0)) for pattern in ADDRESSES
            for found in pattern.finditer(text)]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _answers(host: str, port: int) -> bool:
    """Whether something listens at host:port for tgfix, outside the sandbox's network namespace."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True
