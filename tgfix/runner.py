"""Forward pass: run the tests on a candidate source in a sandbox and read what happened."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import coverage

from tgfix import interpreter, sandbox
from tgfix.errors import TestSetupError

TRACEBACK_LINES = 25
JUNIT = ".tgfix-junit.xml"
COVERAGE_DATA = ".tgfix-coverage"
TOOLS = ".tgfix"  # in the copy only (the project's own is never copied): the plugin, the plan
NOT_RUN = "not run"
TIMED_OUT = re.compile(r"^TimeoutError: (test exceeded [0-9.e+]+ s|not run after)")  # the plugin's messages
HUNG_FILE = "hung"  # in TOOLS: the test the plugin's watchdog ended, and its stacks
# The shell or make saying the command itself cannot run (exit 127, 126 or make's 2): no candidate changes that.
CANNOT_START = re.compile(r"^.*(: not found|: command not found|: Permission denied|No such file or directory"
                          r"|can't cd to|No rule to make target|No targets specified and no makefile found).*$",
                          re.MULTILINE)
SHORT_LIMIT = 1.0  # seconds for a test that timed out on the current best, unless passing tests are slower


@dataclass(frozen=True)
class TestCase:
    __test__ = False  # a tgfix class, not for pytest to collect
    id: str
    outcome: str  # passed | failed | error | skipped | not run (the run stopped early: not passing, not failing)
    message: str = ""
    traceback: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome in ("passed", "skipped")

    @property
    def timed_out(self) -> bool:
        return self.outcome == "failed" and TIMED_OUT.match(self.message) is not None


@dataclass(frozen=True)
class TestReport:
    __test__ = False  # a tgfix class, not for pytest to collect
    cases: tuple[TestCase, ...]
    output: str = ""
    seconds: float = 0.0
    timed_out: bool = False
    note: str = ""  # what this run could not do and why (e.g. no coverage), for -v

    @property
    def passed(self) -> frozenset[str]:
        return frozenset(c.id for c in self.cases if c.outcome == "passed")

    @property
    def failures(self) -> tuple[TestCase, ...]:
        """The tests that ran and failed: what the model may be shown."""
        return tuple(c for c in self.cases if not c.ok and c.outcome != NOT_RUN)

    @property
    def not_run(self) -> frozenset[str]:
        return frozenset(c.id for c in self.cases if c.outcome == NOT_RUN)

    @property
    def all_passed(self) -> bool:
        return bool(self.cases) and all(c.ok for c in self.cases)

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
    python: str | None = None    # the configured interpreter; None: the project's virtualenv, else tgfix's own


@dataclass(frozen=True)
class ValidationPlan:
    """How to validate a candidate against the current best: see validation_plan."""

    must_pass: tuple[str, ...]  # run first, cheapest first; the run stops at the first of them that fails
    timeout: float              # seconds per test
    limits: dict[str, float] = field(default_factory=dict)  # test id -> seconds, where the default does not apply


LineCoverage = dict[int, frozenset[str]]  # line number -> ids of the tests that executed it


def run_tests(spec: TestSpec, files: dict[str, str], *, coverage_of: tuple[str, ...] = (),
              before: TestReport | None = None) -> tuple[TestReport, dict[str, LineCoverage]]:
    """Run every configured test with `files` (relative to root -> source) in place.

    With coverage_of, pytest runs under coverage.py with one context per test, and the
    second value says, for each of those files, which tests executed each of its lines.

    With `before` (the current best's report), the run stops as soon as the candidate cannot be
    accepted, and tests that timed out there get a short limit (validation_plan); tests left out
    by the early stop are in the report as "not run".
    """
    python = _interpreter(spec) if spec.tests else None
    with sandbox.Sandbox(spec.root) as workdir:
        for name, source in files.items():
            sandbox.write(workdir, name, source)
        cases, output, seconds, timed_out, note = [], [], 0.0, False, ""
        lines: dict[str, LineCoverage] = {}
        if spec.tests:
            plan = validation_plan(before, spec.test_timeout) if before else None
            report = _run_pytest(spec, python, workdir, coverage_of, plan)
            cases += _with_not_run(report.cases, before) if before else report.cases
            output.append(report.output)
            seconds += report.seconds
            timed_out |= report.timed_out
            note = report.note
            lines = {name: _line_coverage(workdir / COVERAGE_DATA, workdir / name) for name in coverage_of}
        if spec.command and not any(c.outcome == NOT_RUN for c in cases):  # stopped early: it is not run too
            result = _run_command(spec, workdir)
            if before is None:  # the run before any candidate, or an accepted one's
                _check_started(spec, result)
            cases.append(TestCase("command: " + spec.command, "passed" if result.returncode == 0 else "failed",
                                  message=_tail(result.output, 3), traceback=_tail(result.output, TRACEBACK_LINES),
                                  seconds=result.seconds))
            output.append(result.output)
            seconds += result.seconds
            timed_out |= result.timed_out
    return TestReport(tuple(cases), "\n".join(output), seconds, timed_out, note), lines


def trace_test(spec: TestSpec, files: dict[str, str], name: str, test_id: str) -> tuple[dict, ...]:
    """The last lines of file `name` that test `test_id` (run alone) executed, each with the file's
    local variables before it ran, or what it returned or raised there (pytest_plugin's trace)."""
    python = _interpreter(spec)
    with sandbox.Sandbox(spec.root) as workdir:
        for path, source in files.items():
            sandbox.write(workdir, path, source)
        out = workdir / TOOLS / "trace.json"
        trace = {"file": str(workdir / name), "test": test_id, "out": str(out)}
        try:
            _run_pytest(spec, python, workdir, (), None, {"TGFIX_TRACE": json.dumps(trace)})
            return tuple(json.loads(_read_output(out)))
        except (TestSetupError, OSError, ValueError):  # the test was not found, or wrote no trace
            return ()


def validation_plan(before: TestReport, ceiling: float) -> ValidationPlan:
    """The tests that passed on the current best first, cheapest first, and limits from their durations.

    A test that passed may take at most 5 times the slowest of them plus a second (at least a
    second); one that timed out gets that much too, or SHORT_LIMIT when nothing passed to measure.
    `ceiling` (--test-timeout; 0 = none) bounds both.
    """
    # Cheapest first; durations within 10 ms are noise, so those keep their order in the suite.
    passing = sorted((c for c in before.cases if c.outcome == "passed"), key=lambda c: round(c.seconds, 2))
    measured = max(1.0, 5 * passing[-1].seconds + 1) if passing else None
    short = _at_most(measured or SHORT_LIMIT, ceiling)
    return ValidationPlan(tuple(c.id for c in passing), _at_most(measured, ceiling) if measured else ceiling,
                {c.id: short for c in before.cases if c.timed_out})


def _at_most(seconds: float, ceiling: float) -> float:
    return min(seconds, ceiling) if ceiling > 0 else seconds


def _with_not_run(cases: tuple[TestCase, ...], before: TestReport) -> tuple[TestCase, ...]:
    """After an early stop, the current best's tests that did not run, so the report stays complete."""
    stopped_at = next((c.id for c in cases if c.id in before.passed and not c.ok), None)
    if stopped_at is None:  # nothing that passed before failed: the run went to the end
        return cases
    ran = {c.id for c in cases}
    why = f"not run: the run stopped when {stopped_at}, which passed before, failed"
    return cases + tuple(TestCase(c.id, NOT_RUN, message=why) for c in before.cases if c.id not in ran)


def _interpreter(spec: TestSpec) -> interpreter.Interpreter:
    python = interpreter.choose(spec.root, spec.python)
    interpreter.require_pytest(python)
    return python


def _run_pytest(spec: TestSpec, python: interpreter.Interpreter, workdir: Path, coverage_of: tuple[str, ...],
                plan: ValidationPlan | None, extra_env: dict[str, str] | None = None) -> TestReport:
    """pytest on the copy. A test that caught or blocked its TimeoutError is ended by the plugin's watchdog with
    the whole process: it counts as timed out, and the other tests run again in a new process without
    it, unless it had to pass (the run stops there, as at any such failure)."""
    hung: list[Hung] = []
    outputs, seconds, timed_out = [], 0.0, False
    while True:
        report = _pytest_process(spec, python, workdir, coverage_of, plan, extra_env, tuple(hung))
        outputs.append(report.output)
        seconds += report.seconds
        timed_out |= report.timed_out
        ended = None if report.timed_out else _ended_by_watchdog(workdir / TOOLS / HUNG_FILE)
        if ended is None:
            cases = report.cases
            break
        cases = ()
        if any(h.nodeid == ended.nodeid for h in hung):  # deselecting it did not take: give up on the rest
            break
        hung.append(ended)
        if plan and ended.case.id in plan.must_pass:
            break
    return TestReport(tuple(h.case for h in hung) + cases, "\n".join(outputs), seconds, timed_out, report.note)


@dataclass(frozen=True)
class Hung:
    """A test the watchdog ended, with the whole process: it caught or blocked the TimeoutError of its limit."""

    nodeid: str
    case: TestCase
    limit: float


def _ended_by_watchdog(path: Path) -> Hung | None:
    """The test running when faulthandler ended the process: the plugin's line naming it, then the stacks."""
    try:
        named, _, stacks = _read_output(path).partition("\n")
        test = json.loads(named)
    except (OSError, ValueError):
        return None
    if not stacks.startswith("Timeout ("):  # a crash mid-test, not the watchdog
        return None
    message = (f"TimeoutError: {test['message']}; the code under test caught or blocked the TimeoutError, "
               "so its process was ended")
    stacks = "\n".join(stacks.splitlines()[:TRACEBACK_LINES])  # the innermost call first
    return Hung(test["nodeid"], TestCase(test["id"], "failed", message, stacks, test["limit"]), test["limit"])


def _pytest_process(spec: TestSpec, python: interpreter.Interpreter, workdir: Path, coverage_of: tuple[str, ...],
                    plan: ValidationPlan | None, extra_env: dict[str, str] | None,
                    hung: tuple[Hung, ...]) -> TestReport:
    """One pytest process, without the tests that hung in earlier ones."""
    tools = workdir / TOOLS
    for left_over in (workdir / JUNIT, tools / HUNG_FILE):
        left_over.unlink(missing_ok=True)
    env = {"PYTHONPATH": interpreter.python_path(python, tools), "TGFIX_TEST_TIMEOUT": str(spec.test_timeout),
           "TGFIX_HUNG_FILE": str(tools / HUNG_FILE), "TGFIX_SHORT_LIMIT": str(SHORT_LIMIT),
           "TGFIX_TIMEOUTS_SPENT": str(sum(h.limit for h in hung)), **(extra_env or {})}
    if plan:
        (tools / "plan.json").write_text(json.dumps({"must_pass": plan.must_pass, "timeout": plan.timeout,
                                                     "limits": plan.limits}))
        env["TGFIX_TEST_PLAN"] = str(tools / "plan.json")
    note = python.no_coverage_reason if coverage_of else ""
    pytest_args = ["-m", "pytest", *spec.tests, "-q", "-p", "no:cacheprovider", "-p", interpreter.PLUGIN,
                   f"--junitxml={JUNIT}", "-o", "junit_family=xunit1", "--tb=short", "-rN",
                   *(f"--deselect={h.nodeid}" for h in hung)]
    if coverage_of and not note:
        command = [python.executable, "-m", "coverage", "run", "--append", f"--data-file={COVERAGE_DATA}",
                   f"--include={','.join(str(workdir / name) for name in coverage_of)}", *pytest_args]
    else:
        command = [python.executable, *pytest_args]
    result = sandbox.run(command, workdir, spec.limits, env)
    junit = workdir / JUNIT
    if result.returncode == 5 and hung:  # every test left hung in an earlier process
        return TestReport((), result.output, result.seconds, False, note)
    if result.returncode in (4, 5) and not result.timed_out:
        what = "no tests found in" if result.returncode == 5 else "pytest could not run"
        raise TestSetupError(f"{what} {' '.join(spec.tests)}: {_pytest_says(result.output)}")
    cases = None if result.timed_out else _read_junit(junit)
    if cases is None:
        why = f"test run killed after {spec.limits.wall_seconds:g} s" if result.timed_out \
            else f"pytest exited {result.returncode} without a readable report"
        cases = (TestCase("<test run>", "error", message=why, traceback=_tail(result.output, TRACEBACK_LINES)),)
    return TestReport(cases, result.output, result.seconds, result.timed_out, note)


def _run_command(spec: TestSpec, workdir: Path) -> sandbox.RunResult:
    """Through the shell, as make and aider run a test command: `cd tests && pytest` works."""
    return sandbox.run(["/bin/sh", "-c", spec.command], workdir, spec.limits)


def _check_started(spec: TestSpec, result: sandbox.RunResult) -> None:
    cannot_start = CANNOT_START.search(result.output) if result.returncode in (2, 126, 127) else None
    if cannot_start:
        raise TestSetupError(f"test command cannot start: {spec.command}: {cannot_start[0].strip()}")


def parse_junit(xml_text: str | bytes) -> tuple[TestCase, ...]:
    """JUnit XML (as pytest writes it) into test cases; collection errors count as failures."""
    return tuple(_case(element) for element in ET.fromstring(xml_text).iter("testcase"))


def _read_junit(path: Path) -> tuple[TestCase, ...] | None:
    """None when the code under test deleted or garbled the report."""
    try:
        return parse_junit(_read_output(path))
    except (OSError, ET.ParseError):
        return None


def _read_output(path: Path) -> str:
    """A file the code under test wrote, redacted of every known key as its printed output is."""
    return sandbox.redact(path.read_text(errors="replace"))


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


def _pytest_says(output: str) -> str:
    """pytest's last line, not a warning that coverage printed after it."""
    lines = [line for line in output.splitlines()
             if line.strip() and "Warning" not in line and not line.startswith((" ", "\t"))]
    return lines[-1].strip() if lines else ""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])
