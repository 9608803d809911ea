"""Forward pass: run the tests on a candidate source in a sandbox and read what happened."""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import shutil
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import coverage

from tgfix import interpreter, sandbox
from tgfix.errors import TestSetupError

TRACEBACK_LINES = 25
SITECUSTOMIZE = f"""\
import {interpreter.LINE_SAMPLER}  # tgfix: samples the lines of the file polish speeds up (TGFIX_PROFILE)
import sys

# The sitecustomize this one hides, if the Python has one: imported as it would have been.
sys.path.remove(__file__.rpartition("/")[0])
del sys.modules["sitecustomize"]
try:
    import sitecustomize
except ImportError:
    pass
"""
JUNIT = ".tgfix-junit.xml"
COVERAGE_DATA = ".tgfix-coverage"
TOOLS = ".tgfix"  # in the copy only (the project's own is never copied): the plugin, the plan
IMPORTED = "imported.json"  # in TOOLS: where the plugin saw the tests' modules come from
NOT_RUN = "not run"
TIMED_OUT = re.compile(r"^TimeoutError: (test exceeded [0-9.e+]+ s|not run after)")  # the plugin's messages
HUNG_FILE = "hung"  # in TOOLS: the test the plugin's watchdog ended, and its stacks
# The shell or make saying the command itself cannot run (exit 127, 126 or make's 2): no candidate changes that.
CANNOT_START = re.compile(r"^.*(: not found|: command not found|: Permission denied|No such file or directory"
                          r"|can't cd to|No rule to make target|No targets specified and no makefile found).*$",
                          re.MULTILINE)
ARGUMENT_MAX = 100_000  # characters: Linux takes at most 128 KiB in one argument of a command
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
    flaky: frozenset[str] = frozenset()  # ids of tests whose outcome changed on identical source: not scored

    @property
    def scored(self) -> tuple[TestCase, ...]:
        """Every case but the flaky tests': what the score, the acceptance rule and the model see."""
        return tuple(c for c in self.cases if c.id not in self.flaky)

    @property
    def passed(self) -> frozenset[str]:
        return frozenset(c.id for c in self.scored if c.outcome == "passed")

    @property
    def failures(self) -> tuple[TestCase, ...]:
        """The tests that ran and failed: what the model may be shown."""
        return tuple(c for c in self.scored if not c.ok and c.outcome != NOT_RUN)

    @property
    def not_run(self) -> frozenset[str]:
        return frozenset(c.id for c in self.scored if c.outcome == NOT_RUN)

    @property
    def all_passed(self) -> bool:
        return bool(self.scored) and all(c.ok for c in self.scored)

    @property
    def score(self) -> str:
        excluded = len(self.cases) - len(self.scored)
        excluded = f" ({excluded} flaky excluded)" if excluded else ""
        return f"{len(self.passed)}/{len(self.scored)}{excluded}"

    def excluding(self, flaky: frozenset[str]) -> "TestReport":
        """This report with the tests in `flaky` out of the score too (the same report if none is new)."""
        return self if flaky <= self.flaky else replace(self, flaky=self.flaky | flaky)


@dataclass(frozen=True)
class TestSpec:
    """Where the project is and how its tests run."""
    __test__ = False  # a tgfix class, not for pytest to collect

    root: Path
    tests: tuple[str, ...] = ()  # pytest paths or node ids, relative to root (../tests when outside it)
    command: str | None = None   # any command: exit status 0 means pass
    test_timeout: float = 10.0   # per test, pytest only
    limits: sandbox.Limits = sandbox.Limits()
    python: str | None = None    # the configured interpreter; None: the project's virtualenv, else tgfix's own
    access: sandbox.Access = sandbox.Access()  # variables passed beyond the allowlist, the network kept
    keyword: str | None = None   # pytest -k: only the tests whose names match
    beside: tuple[Path, ...] = ()  # test folders outside root, copied beside its copy (sandbox.Sandbox)
    processes: sandbox.Processes | None = field(default=None, compare=False)  # where the runs under way are held


@dataclass(frozen=True)
class ValidationPlan:
    """How to validate a candidate against the current best: see validation_plan."""

    must_pass: tuple[str, ...]  # run first, cheapest first; the run stops at the first of them that fails
    timeout: float              # seconds per test
    limits: dict[str, float] = field(default_factory=dict)  # test id -> seconds, where the default does not apply


@dataclass(frozen=True)
class Module:
    """How Python imports a file of the project: by `name`, with `folder` on sys.path."""

    file: str    # relative to the project root
    name: str    # dotted
    folder: str  # relative to the project root: the one above the file's outermost package


def module_of(root: Path, file: str) -> Module | None:
    """The module that root/file is, by its packages (folders with an __init__.py); None if not Python."""
    path = Path(file)
    if path.suffix != ".py":
        return None
    parts = [] if path.stem == "__init__" else [path.stem]
    folder = path.parent
    while folder != Path(".") and (root / folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return Module(file, ".".join(parts), folder.as_posix()) if parts else None


LineCoverage = dict[int, frozenset[str]]  # line number -> ids of the tests that executed it


def run_tests(spec: TestSpec, files: dict[str, str], *, coverage_of: tuple[str, ...] = (),
              before: TestReport | None = None,
              only: frozenset[str] | None = None) -> tuple[TestReport, dict[str, LineCoverage]]:
    """Run every configured test with `files` (relative to root -> source) in place.

    With coverage_of, pytest runs under coverage.py with one context per test, and the
    second value says, for each of those files, which tests executed each of its lines.

    With `before` (the current best's report), the run stops as soon as the candidate cannot be
    accepted, and tests that timed out there get a short limit (validation_plan); tests left out
    by the early stop are in the report as "not run".

    With `only` (test ids, as in a report), just those tests run, in the suite's order; the
    test command counts as the test "command: CMD". With `before` too, the current best's other
    tests are in the report as "not run".
    """
    pytest_ids = None if only is None else sorted(i for i in only if not i.startswith("command: "))
    run_pytest = bool(spec.tests) and pytest_ids != []
    python = _interpreter(spec) if run_pytest else None
    copy = sandbox.Sandbox(spec.root, spec.beside)
    with copy as workdir:
        for name, source in files.items():
            sandbox.write(workdir, name, source)
        cases, output, seconds, timed_out, note = [], [], 0.0, False, ""
        lines: dict[str, LineCoverage] = {}
        if run_pytest:
            plan = validation_plan(before, spec.test_timeout) if before else None
            report = _run_pytest(spec, python, workdir, tuple(files), coverage_of, plan, only=pytest_ids)
            cases += report.cases
            output.append(report.output)
            seconds += report.seconds
            timed_out |= report.timed_out
            note = report.note
            lines = {name: _line_coverage(workdir / COVERAGE_DATA, workdir / name) for name in coverage_of}
        wanted = only is None or f"command: {spec.command}" in only
        stopped = before is not None and _stopped_at(cases, before) is not None
        if spec.command and wanted and not stopped:  # stopped early: not run too
            result = _run_command(spec, workdir)
            if before is None:  # the run before any candidate, or an accepted one's
                _check_started(spec, result)
            cases.append(TestCase("command: " + spec.command, "passed" if result.returncode == 0 else "failed",
                                  message=_tail(result.output, 3), traceback=_tail(result.output, TRACEBACK_LINES),
                                  seconds=result.seconds))
            output.append(result.output)
            seconds += result.seconds
            timed_out |= result.timed_out
        cases = [replace(c, message=copy.relative(c.message), traceback=copy.relative(c.traceback)) for c in cases]
        output = [copy.relative(text) for text in output]
    if before:
        cases = _with_not_run(tuple(cases), before, selected=only is not None)
    return TestReport(tuple(cases), "\n".join(output), seconds, timed_out, note), lines


def trace_test(spec: TestSpec, files: dict[str, str], name: str, test_id: str) -> tuple[dict, ...]:
    """The last lines of file `name` that test `test_id` (run alone) executed, each with the file's
    local variables before it ran, or what it returned or raised there (pytest_plugin's trace)."""
    written = _plugin_output(spec, files, lambda workdir, out: {"TGFIX_TRACE": json.dumps(
        {"file": str(workdir / name), "test": test_id, "out": str(out)})})
    try:
        return tuple(json.loads(written))
    except ValueError:  # the test was not found, or wrote no trace
        return ()


def line_profile(spec: TestSpec, files: dict[str, str], name: str) -> dict[int, int]:
    """Samples per line of file `name` (line_sampler: one per millisecond of CPU time spent there) in one
    run of the command, else of the pytest tests, with `files` in place; {} if nothing was sampled."""
    try:
        return {int(line): count for line, count in json.loads(_measured(spec, files, name, "TGFIX_PROFILE")).items()}
    except (ValueError, AttributeError):
        return {}


@dataclass(frozen=True)
class Growth:
    """The time of one call of a function of the file at growing sizes of its arguments (line_sampler)."""
    function: str
    points: tuple[tuple[int, float], ...]  # (size, seconds), smallest first

    @property
    def per_doubling(self) -> float:
        """How many times longer the call takes when its size doubles, from the two largest sizes."""
        (small, before), (large, after) = self.points[-2:]
        return (after / before) ** (math.log(2) / math.log(large / small))

    @property
    def order(self) -> str:
        """The growth that factor shows, in words."""
        power = math.log2(max(self.per_doubling, 1.0))
        if power < 1.3:
            return "linear, or n log n"
        if power < 2.5:
            return "quadratic, n^2"
        if power < 3.5:
            return "cubic, n^3"
        return "faster than any small power of n: exponential"


def growth(spec: TestSpec, files: dict[str, str], name: str) -> Growth | None:
    """How the time of the costliest function of file `name` grows with its input, in one run of the
    command, else of the pytest tests, with `files` in place; None if nothing was measured."""
    try:
        written = json.loads(_measured(spec, files, name, "TGFIX_GROWTH"))
        points = tuple((int(size), float(seconds)) for size, seconds in written["points"])
    except (ValueError, TypeError, KeyError):
        return None
    if len(points) < 2 or points[-2][0] >= points[-1][0] or not points[-2][1] > 0:
        return None
    return Growth(written["function"], points)


def _measured(spec: TestSpec, files: dict[str, str], name: str, variable: str) -> str:
    """What line_sampler, started by `variable`, wrote of file `name` in one run of the command, else of
    the pytest tests."""
    def env(workdir: Path, out: Path) -> dict[str, str]:
        return {variable: json.dumps({"file": str(workdir / name), "out": str(out)})}

    return _command_output(spec, files, env) if spec.command else _plugin_output(spec, files, env)


def _command_output(spec: TestSpec, files: dict[str, str], env: Callable[[Path, Path], dict[str, str]]) -> str:
    """What the line sampler wrote to `out` in a run of the command with `files` in place: every Python
    process the command starts imports it first, through a `sitecustomize` shim on PYTHONPATH."""
    with sandbox.Sandbox(spec.root, spec.beside) as workdir:
        for path, source in files.items():
            sandbox.write(workdir, path, source)
        site = workdir / TOOLS / "site"
        site.mkdir(parents=True)
        shutil.copyfile(Path(__file__).with_name("line_sampler.py"), site / f"{interpreter.LINE_SAMPLER}.py")
        (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
        out = workdir / TOOLS / "out"
        inherited = os.environ.get("PYTHONPATH")
        path = os.pathsep.join([str(site), inherited] if inherited else [str(site)])
        sandbox.run(["/bin/sh", "-c", spec.command], workdir, spec.limits, {"PYTHONPATH": path, **env(workdir, out)},
                    spec.access)
        try:
            return _read_output(out)
        except OSError:
            return ""


def connections(spec: TestSpec, files: dict[str, str]) -> frozenset[tuple[str, int]]:
    """Every (host, port) the pytest tests connect to, or try to, with `files` in place."""
    written = _plugin_output(spec, files, lambda workdir, out: {"TGFIX_CONNECTS": str(out)})
    return frozenset((host, port) for host, port in map(json.loads, written.splitlines()))


def _plugin_output(spec: TestSpec, files: dict[str, str], env: Callable[[Path, Path], dict[str, str]]) -> str:
    """What tgfix's pytest plugin wrote to `out`, told where by the variables env(workdir, out), in a run
    of the tests with `files` in place; "" if nothing."""
    python = _interpreter(spec)
    copy = sandbox.Sandbox(spec.root, spec.beside)
    with copy as workdir:
        for path, source in files.items():
            sandbox.write(workdir, path, source)
        out = workdir / TOOLS / "out"
        try:
            _run_pytest(spec, python, workdir, tuple(files), (), None, env(workdir, out))
            return copy.relative(_read_output(out))
        except (TestSetupError, OSError):
            return ""


def validation_plan(before: TestReport, ceiling: float) -> ValidationPlan:
    """The tests that passed on the current best first (a flaky one's failure does not stop the run),
    cheapest first, and limits from their durations.

    A test that passed may take at most 5 times the slowest of them plus a second (at least a
    second); one that timed out gets that much too, or SHORT_LIMIT when nothing passed to measure.
    `ceiling` (--test-timeout; 0 = none) bounds both.
    """
    # Cheapest first; durations within 10 ms are noise, so those keep their order in the suite.
    passing = sorted((c for c in before.cases if c.id in before.passed), key=lambda c: round(c.seconds, 2))
    measured = max(1.0, 5 * passing[-1].seconds + 1) if passing else None
    short = _at_most(measured or SHORT_LIMIT, ceiling)
    return ValidationPlan(tuple(c.id for c in passing), _at_most(measured, ceiling) if measured else ceiling,
                {c.id: short for c in before.cases if c.timed_out})


def _at_most(seconds: float, ceiling: float) -> float:
    return min(seconds, ceiling) if ceiling > 0 else seconds


def _with_not_run(cases: tuple[TestCase, ...], before: TestReport, selected: bool) -> tuple[TestCase, ...]:
    """After an early stop or a run of selected tests, the current best's tests that did not run, so the
    report stays complete."""
    stopped_at = _stopped_at(cases, before)
    if stopped_at is None and not selected:  # nothing that passed before failed: the run went to the end
        return cases
    ran = {c.id for c in cases}
    why = (f"not run: the run stopped when {stopped_at}, which passed before, failed" if stopped_at else
           f"not run: only the {len(ran)} tests selected for the candidate ran first")
    return cases + tuple(TestCase(c.id, NOT_RUN, message=why) for c in before.cases if c.id not in ran)


def _stopped_at(cases: list[TestCase] | tuple[TestCase, ...], before: TestReport) -> str | None:
    """The first test that passed on the current best and fails now: where a validation run stops."""
    return next((c.id for c in cases if c.id in before.passed and not c.ok), None)


def _interpreter(spec: TestSpec) -> interpreter.Interpreter:
    python = interpreter.choose(spec.root, spec.python)
    interpreter.require_pytest(python)
    return python


def _run_pytest(spec: TestSpec, python: interpreter.Interpreter, workdir: Path, files: tuple[str, ...],
                coverage_of: tuple[str, ...], plan: ValidationPlan | None,
                extra_env: dict[str, str] | None = None, only: list[str] | None = None) -> TestReport:
    """pytest on the copy at workdir; `files` are the ones tgfix put in place, whose copies the tests must
    import; with `only` (test ids), just those tests run. A test that caught or blocked its TimeoutError
    is ended by the plugin's watchdog with the whole process: it counts as timed out, and the other tests
    run again in a new process without it, unless it had to pass (the run stops there, as at any such
    failure)."""
    hung: list[Hung] = []
    outputs, seconds, timed_out = [], 0.0, False
    while True:
        report = _pytest_process(spec, python, workdir, files, coverage_of, plan, extra_env, tuple(hung), only)
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


def _pytest_process(spec: TestSpec, python: interpreter.Interpreter, workdir: Path, files: tuple[str, ...],
                    coverage_of: tuple[str, ...], plan: ValidationPlan | None, extra_env: dict[str, str] | None,
                    hung: tuple[Hung, ...], only: list[str] | None) -> TestReport:
    """One pytest process, without the tests that hung in earlier ones."""
    tools = workdir / TOOLS
    for left_over in (workdir / JUNIT, tools / HUNG_FILE):
        left_over.unlink(missing_ok=True)
    modules = tuple(filter(None, (module_of(workdir, name) for name in files)))
    first = [str(workdir / m.folder) for m in modules if _installed_from_project(python, m, spec.root)]
    env = {"PYTHONPATH": os.pathsep.join([*dict.fromkeys(first), interpreter.python_path(python, tools)]),
           "TGFIX_TEST_TIMEOUT": str(spec.test_timeout),
           "TGFIX_MODULES": json.dumps({"out": str(tools / IMPORTED), "names": [m.name for m in modules]}),
           "TGFIX_HUNG_FILE": str(tools / HUNG_FILE), "TGFIX_SHORT_LIMIT": str(SHORT_LIMIT),
           "TGFIX_TIMEOUTS_SPENT": str(sum(h.limit for h in hung)), **(extra_env or {})}
    if only is not None:
        env["TGFIX_ONLY"] = json.dumps(only)
    if plan:
        (tools / "plan.json").write_text(json.dumps({"must_pass": plan.must_pass, "timeout": plan.timeout,
                                                     "limits": plan.limits}))
        env["TGFIX_TEST_PLAN"] = str(tools / "plan.json")
    note = python.no_coverage_reason if coverage_of else ""
    # After the project's addopts, so these win; the plugin undoes the addopts that would hide outcomes (-x).
    # The cache stays on (addopts may name its --lf or --sw), in the copy: nothing of the user's is read.
    pytest_args = ["-m", "pytest", *spec.tests, *(["-k", spec.keyword] if spec.keyword is not None else []),
                   "-q", "-o", f"cache_dir={tools / 'pytest-cache'}", "-p", interpreter.PLUGIN,
                   f"--junitxml={JUNIT}", "-o", "junit_family=xunit1", "--tb=short", "-rN",
                   *(f"--deselect={h.nodeid}" for h in hung)]
    if coverage_of and not note:
        command = [python.executable, "-m", "coverage", "run", "--append", f"--data-file={COVERAGE_DATA}",
                   f"--include={_include(workdir, coverage_of)}", *pytest_args]
    else:
        command = [python.executable, *pytest_args]
    result = sandbox.run(command, workdir, spec.limits, env, spec.access, spec.processes)
    junit = workdir / JUNIT
    if result.returncode == 5 and hung:  # every test left hung in an earlier process
        return TestReport((), result.output, result.seconds, False, note)
    gone = only is not None and result.returncode == 5  # every test asked for is gone: an empty report
    if result.returncode in (4, 5) and not gone and not result.timed_out:
        what = "no tests found in" if result.returncode == 5 else "pytest could not run"
        selection = " ".join(spec.tests) + (f" -k {shlex.quote(spec.keyword)}" if spec.keyword is not None else "")
        raise TestSetupError(f"{what} {selection}: {_pytest_says(result.output)}")
    _check_imported(modules, tools / IMPORTED, workdir, spec.root, python)
    cases = None if result.timed_out else _read_junit(junit)
    if cases is None:
        why = f"test run killed after {spec.limits.wall_seconds:g} s" if result.timed_out \
            else f"pytest exited {result.returncode} without a readable report"
        cases = (TestCase("<test run>", "error", message=why, traceback=_tail(result.output, TRACEBACK_LINES)),)
    return TestReport(cases, result.output, result.seconds, result.timed_out, note)


def _include(workdir: Path, names: tuple[str, ...]) -> str:
    """coverage's --include for these files of the copy: the files, or where they are too many for one
    argument (solve without FILES on a large project), every *.py of their folders."""
    files = ",".join(str(workdir / name) for name in names)
    if len(files) < ARGUMENT_MAX:
        return files
    return ",".join(sorted({str(workdir / Path(name).parent / "*.py") for name in names}))


def _installed_from_project(python: interpreter.Interpreter, module: Module, root: Path) -> bool:
    """Whether an install points the interpreter at the project's own tree for this module (an editable
    install's .pth path or import hook): then the copy's folder must come first on sys.path."""
    found = interpreter.installed_at(python, module.name.partition(".")[0], root)
    return bool(found) and Path(found).resolve().is_relative_to(root.resolve())


def _check_imported(modules: tuple[Module, ...], record: Path, workdir: Path, root: Path,
                    python: interpreter.Interpreter) -> None:
    """Stop when the tests imported a file's module from outside the copy: no candidate would be tested.

    A name the standard library also has is left alone: the tests may well mean that module (a
    FILE in a folder without __init__.py may be imported by another name than its own).
    """
    try:
        imported = json.loads(record.read_text())
    except (OSError, ValueError):  # pytest did not get to the end (a timeout): nothing to check
        return
    for module in modules:
        found = imported.get(module.name)
        if found and module.name not in sys.stdlib_module_names:
            where = (workdir / found).resolve()
            if not where.is_relative_to(workdir.resolve()):
                raise TestSetupError(_imported_elsewhere(module, where, root, python))


def _imported_elsewhere(module: Module, found: Path, root: Path, python: interpreter.Interpreter) -> str:
    if found.is_relative_to(root.resolve()):
        return (f"the tests import {module.file} from your project at {found}, not from the copy tgfix tests "
                "candidates in: something puts its folder first on sys.path by its absolute path (a conftest.py?)")
    return (f"the tests import the installed copy at {found}, not {module.file}: install the project editable "
            f"({python.executable} -m pip install -e .), or choose an interpreter without it with --python")


def _run_command(spec: TestSpec, workdir: Path) -> sandbox.RunResult:
    """Through the shell, as make and aider run a test command: `cd tests && pytest` works."""
    return sandbox.run(["/bin/sh", "-c", spec.command], workdir, spec.limits, access=spec.access,
                       processes=spec.processes)


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
