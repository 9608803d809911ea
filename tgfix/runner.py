"""Forward pass: run the tests on a candidate source in a sandbox and read what happened."""

from __future__ import annotations

import shlex
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import coverage

from tgfix import sandbox
from tgfix.errors import TestSetupError

TRACEBACK_LINES = 25
JUNIT = ".tgfix-junit.xml"
COVERAGE_DATA = ".tgfix-coverage"


@dataclass(frozen=True)
class TestCase:
    __test__ = False  # a tgfix class, not for pytest to collect
    id: str
    outcome: str  # passed | failed | error | skipped
    message: str = ""
    traceback: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome in ("passed", "skipped")


@dataclass(frozen=True)
class TestReport:
    __test__ = False  # a tgfix class, not for pytest to collect
    cases: tuple[TestCase, ...]
    output: str = ""
    seconds: float = 0.0
    timed_out: bool = False

    @property
    def passed(self) -> frozenset[str]:
        return frozenset(c.id for c in self.cases if c.outcome == "passed")

    @property
    def failures(self) -> tuple[TestCase, ...]:
        return tuple(c for c in self.cases if not c.ok)

    @property
    def all_passed(self) -> bool:
        return bool(self.cases) and not self.failures

    @property
    def score(self) -> str:
        return f"{len(self.passed)}/{len(self.cases)}"


@dataclass(frozen=True)
class TestSpec:
    """Where the project is and how its tests run."""
    __test__ = False  # a tgfix class, not for pytest to collect

    root: Path
    tests: tuple[str, ...] = ()  # pytest paths, relative to root
    command: str | None = None   # any command: exit status 0 means pass
    test_timeout: float = 10.0   # per test, pytest only
    limits: sandbox.Limits = sandbox.Limits()


LineCoverage = dict[int, frozenset[str]]  # line number -> ids of the tests that executed it


def run_tests(spec: TestSpec, files: dict[str, str], *,
              coverage_of: tuple[str, ...] = ()) -> tuple[TestReport, dict[str, LineCoverage]]:
    """Run every configured test with `files` (relative to root -> source) in place.

    With coverage_of, pytest runs under coverage.py with one context per test, and the
    second value says, for each of those files, which tests executed each of its lines.
    """
    with sandbox.Sandbox(spec.root) as workdir:
        for name, source in files.items():
            sandbox.write(workdir, name, source)
        cases, output, seconds, timed_out = [], [], 0.0, False
        lines: dict[str, LineCoverage] = {}
        if spec.tests:
            report = _run_pytest(spec, workdir, coverage_of)
            cases += report.cases
            output.append(report.output)
            seconds += report.seconds
            timed_out |= report.timed_out
            lines = {name: _line_coverage(workdir / COVERAGE_DATA, workdir / name) for name in coverage_of}
        if spec.command:
            result = _run_command(spec, workdir)
            cases.append(TestCase("command: " + spec.command, "passed" if result.returncode == 0 else "failed",
                                  message=_tail(result.output, 3), traceback=_tail(result.output, TRACEBACK_LINES),
                                  seconds=result.seconds))
            output.append(result.output)
            seconds += result.seconds
            timed_out |= result.timed_out
    return TestReport(tuple(cases), "\n".join(output), seconds, timed_out), lines


def _run_pytest(spec: TestSpec, workdir: Path, coverage_of: tuple[str, ...]) -> TestReport:
    pytest_args = ["-m", "pytest", *spec.tests, "-q", "-p", "no:cacheprovider", "-p", "tgfix.pytest_plugin",
                   f"--junitxml={JUNIT}", "-o", "junit_family=xunit1", "--tb=short", "-rN"]
    if coverage_of:
        command = [sys.executable, "-m", "coverage", "run", f"--data-file={COVERAGE_DATA}",
                   f"--include={','.join(str(workdir / name) for name in coverage_of)}", *pytest_args]
    else:
        command = [sys.executable, *pytest_args]
    result = sandbox.run(command, workdir, spec.limits, {"TGFIX_TEST_TIMEOUT": str(spec.test_timeout)})
    junit = workdir / JUNIT
    if result.returncode in (4, 5) and not result.timed_out:
        what = "no tests found in" if result.returncode == 5 else "pytest could not run"
        raise TestSetupError(f"{what} {' '.join(spec.tests)}: {_tail(result.output, 1)}")
    cases = None if result.timed_out else _read_junit(junit)
    if cases is None:
        why = f"test run killed after {spec.limits.wall_seconds:g} s" if result.timed_out \
            else f"pytest exited {result.returncode} without a readable report"
        cases = (TestCase("<test run>", "error", message=why, traceback=_tail(result.output, TRACEBACK_LINES)),)
    return TestReport(cases, result.output, result.seconds, result.timed_out)


def _run_command(spec: TestSpec, workdir: Path) -> sandbox.RunResult:
    try:
        return sandbox.run(shlex.split(spec.command), workdir, spec.limits)
    except FileNotFoundError:
        raise TestSetupError(f"test command not found: {spec.command}") from None


def parse_junit(xml_text: str | bytes) -> tuple[TestCase, ...]:
    """JUnit XML (as pytest writes it) into test cases; collection errors count as failures."""
    return tuple(_case(element) for element in ET.fromstring(xml_text).iter("testcase"))


def _read_junit(path: Path) -> tuple[TestCase, ...] | None:
    """None when the code under test deleted or garbled the report."""
    try:
        return parse_junit(path.read_bytes())
    except (OSError, ET.ParseError):
        return None


def _case(element: ET.Element) -> TestCase:
    test_id = ".".join(part for part in (element.get("classname"), element.get("name")) if part)
    seconds = float(element.get("time") or 0)
    for outcome in ("failure", "error", "skipped"):
        found = element.find(outcome)
        if found is not None:
            return TestCase(test_id, "failed" if outcome == "failure" else outcome,
                            message=_first_line(found.get("message") or ""),
                            traceback=_tail(found.text or "", TRACEBACK_LINES), seconds=seconds)
    return TestCase(test_id, "passed", seconds=seconds)


def _line_coverage(data_file: Path, source_file: Path) -> LineCoverage:
    if not data_file.exists():
        return {}
    data = coverage.CoverageData(basename=str(data_file))
    data.read()
    return {line: frozenset(c for c in contexts if c)
            for line, contexts in data.contexts_by_lineno(str(source_file)).items()}


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])
