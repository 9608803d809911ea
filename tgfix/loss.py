"""The loss: run the tests on the variables, and describe the failures in words a model can use.

A loss function is anything with the LossFunction interface: `TestLoss` (the tests pass or
fail) here, and polish's timing loss. Calling `forward` runs it once for all variables.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol, Sequence

import pytest
from _pytest.config.findpaths import locate_config

from tgfix import prompts
from tgfix.errors import TestSetupError, UsageError
from tgfix.hidden import hidden_by_sandbox
from tgfix.localize import FileRanking, SuspiciousLine, rank_lines, traceback_sites
from tgfix.runner import Growth, LineCoverage, TestCase, TestReport, TestSpec, growth, line_profile, run_tests, trace_test
from tgfix.sandbox import Access, Limits, Processes
from tgfix.variable import Variable, read_text

MAX_FAILURES_SHOWN = 8
TEST_FILE = re.compile(r"test_.*\.py|.*_test\.py|conftest\.py")  # what pytest collects, and its fixtures
PYTHON_FILES = ("test_*.py", "*_test.py")  # pytest's default python_files
TEST_FOLDERS = ("tests", "test")  # what they hold (helpers, data) belongs to the tests
NODE_ID = "::"  # tests/test_calc.py::test_add: a test in a file, as pytest names it


class LossFunction(Protocol):
    """What the loop, the critic and the optimizer need of a loss function."""

    problem: str
    critique: prompts.Prompt  # how backward asks for the textual gradient

    def forward(self, variables: Sequence[Variable]) -> list[Loss]:
        """One evaluation of the variables as they are: a Loss for each."""

    def evaluate(self, x: Variable, source: str, before: TestReport | None = None,
                 only: frozenset[str] | None = None) -> TestReport:
        """Test a candidate source for x without touching x; with `before` (the current best's report),
        the evaluation may stop once the candidate cannot be accepted; with `only` too (test ids, asked
        only of a loss with coverage), just those tests run, and the others are "not run"."""

    def rerun(self, x: Variable, source: str, tests: frozenset[str]) -> TestReport:
        """Run only `tests` (ids, as in a report) again with source for x: whether their outcome holds."""

    def describe(self, loss: Loss, failures: tuple[TestCase, ...] | None) -> str:
        """The loss in words, for the model."""

    def stop(self) -> None:
        """End the evaluations under way in other threads now (after Ctrl-C): they return or raise soon."""


@dataclass(frozen=True)
class Loss:
    variable: Variable | None  # None: no file to repair (solve without FILES, every test passing)
    report: TestReport
    fn: LossFunction
    suspicious: tuple[SuspiciousLine, ...] = ()
    coverage: LineCoverage = field(default_factory=dict)
    trace: str = ""  # what the first failing test computed in the variable's file, rendered (TestLoss.trace)

    @property
    def passed(self) -> bool:
        return self.report.all_passed

    def text(self, failures: tuple[TestCase, ...] | None = None) -> str:
        return self.fn.describe(self, failures)

    def problem_block(self) -> str:
        problem = self.fn.problem.strip()
        return prompts.PROBLEM.substitute(problem=problem) if problem else ""

    def lines_traced(self, case: TestCase) -> list[int]:
        """The lines of the variable's file that a failure's traceback passes through, outermost first."""
        return [line for path, line in traceback_sites(case.traceback) if _is_variable(path, self.variable)]

    def excluding(self, flaky: frozenset[str]) -> Loss:
        """This loss with the tests in `flaky` out of the score (and out of what the model reads)."""
        report = self.report.excluding(flaky)
        return self if report is self.report else replace(self, report=report)


@dataclass
class TestLoss:
    """Loss function: the tests of a project. Calling it on a variable runs them."""
    __test__ = False  # a tgfix class, not for pytest to collect

    tests: str | Path | list | tuple = ()  # paths, or pytest node ids
    keyword: str | None = None  # pytest -k: only the tests whose names match
    command: str | None = None
    test_timeout: float = 10.0
    limits: Limits = field(default_factory=Limits)
    problem: str = ""
    localize: bool = True
    critique: prompts.Prompt = prompts.REPAIR_CRITIQUE
    python: str | None = None  # the interpreter for the tests; None: the project's virtualenv, else tgfix's own
    trace: bool = False  # show the model the variables along the last lines the first failing test ran
    access: Access = field(default_factory=Access)  # variables passed beyond the allowlist, the network kept
    processes: Processes = field(default_factory=Processes, compare=False, repr=False)  # its test runs under way

    @property
    def selectors(self) -> list[tuple[Path, str]]:
        """Each test path, resolved, with what follows it in a node id ("::test_add", else "")."""
        listed = [self.tests] if isinstance(self.tests, (str, Path)) else list(self.tests)
        return [(Path(path).resolve(), node) for path, node in map(split_node_id, map(str, listed)) if path]

    @property
    def paths(self) -> list[Path]:
        """The test files and folders (of node ids, their files)."""
        return [path for path, _ in self.selectors]

    def spec(self, x: Variable) -> TestSpec:
        return self.spec_at(x.root)

    def spec_at(self, root: Path) -> TestSpec:
        """Test paths relative to the root, also those outside it (../tests): the sandbox copies them beside
        the project's copy, where the same relative path reaches them."""
        for path in self.paths:
            if root.is_relative_to(path) and path != root:
                raise UsageError(f"the tests path {path} holds the whole project {root}: pass its test folder")
        relative = tuple(Path(os.path.relpath(path, root)).as_posix() + node for path, node in self.selectors)
        outside = tuple(dict.fromkeys(_copied_folder(path) for path in self.paths if not path.is_relative_to(root)))
        return TestSpec(root, relative, self.command, self.test_timeout, self.limits, self.python,
                        access=self.access, keyword=self.keyword, beside=outside, processes=self.processes)

    def __call__(self, x: Variable) -> Loss:
        return self.forward([x])[0]

    def forward(self, variables: Sequence[Variable], done: FileRanking | None = None) -> list[Loss]:
        """One test run with every variable's current value, with coverage of each when localizing; with
        `done`, that run of the variables as they are (the one that chose them) stands for it."""
        files = {x.name: x.encoded(x.value) for x in variables}
        if done:
            report, coverage = done.report, done.coverage if self.localize else {}
        else:
            report, coverage = run_tests(self.spec(variables[0]), files, coverage_of=tuple(files) if self.localize else ())
        failing = frozenset(f.id for f in report.failures)
        losses = []
        for x in variables:
            lines = coverage.get(x.name, {})
            suspicious = rank_lines(lines, failing, x.value) if failing else ()
            losses.append(Loss(x, report, self, suspicious, lines, self._trace(x, files, report)))
        return losses

    def _trace(self, x: Variable, files: dict[str, bytes], report: TestReport) -> str:
        """The first failing pytest test's trace through x, as the model reads it ("" without one)."""
        first = next((f for f in report.failures if not f.id.startswith(("command: ", "<"))), None)
        if not (self.trace and self.paths and x.is_python and first):
            return ""
        steps = trace_test(self.spec(x), files, x.name, first.id)
        source = x.value.splitlines()
        lines = "\n".join(_trace_line(step, source) for step in steps)
        return prompts.TRACE.substitute(name=x.name, test=first.id, lines=lines) if lines else ""

    def evaluate(self, x: Variable, source: str, before: TestReport | None = None,
                 only: frozenset[str] | None = None) -> TestReport:
        """Test a candidate source for x without touching x.

        With `before`, the current best's report, the run stops once the candidate cannot be
        accepted (runner.run_tests); the tests it left out are "not run", as are, with `only`,
        the tests outside it.
        """
        return run_tests(self.spec(x), {x.name: x.encoded(source)}, before=before, only=only)[0]

    def rerun(self, x: Variable, source: str, tests: frozenset[str]) -> TestReport:
        return run_tests(self.spec(x), {x.name: source}, only=tests)[0]

    def line_profile(self, x: Variable, source: str) -> dict[int, int]:
        """Where one run of these tests (or this command) spends its time in x: samples per line."""
        return line_profile(self.spec(x), {x.name: source}, x.name)

    def growth(self, x: Variable, source: str) -> Growth | None:
        """How the time of x's costliest function grows with its input, in one run of these tests (or this command)."""
        return growth(self.spec(x), {x.name: source}, x.name)

    def stop(self) -> None:
        self.processes.stop()

    def describe(self, loss: Loss, failures: tuple[TestCase, ...] | None = None) -> str:
        failures = loss.report.failures if failures is None else failures
        shown = "\n".join(failure_text(f) for f in failures[:MAX_FAILURES_SHOWN])
        if len(failures) > MAX_FAILURES_SHOWN:
            shown += f"\n(and {len(failures) - MAX_FAILURES_SHOWN} more failing tests)"
        lines = "\n".join(f"  line {s.number} ({s.score:.2f}): {s.text}" for s in loss.suspicious)
        return prompts.LOSS.substitute(score=loss.report.score, failures=shown,
                                       suspicious=prompts.SUSPICIOUS.substitute(lines=lines) if lines else "") + loss.trace

    def check_start(self, report: TestReport, variables: Sequence[Variable], root: Path | None = None) -> None:
        """Stop before any model call when the first run shows that the tests cannot judge the variables:
        the sandbox hides what they need (a variable, the network, a module), or a test file is broken.
        Without variables (none chosen yet), `root` is the project's."""
        spec = self.spec_at(variables[0].root if variables else root)
        hidden = hidden_by_sandbox(report.failures, spec, {x.name: x.value for x in variables})
        if hidden:
            raise TestSetupError(hidden)
        broken = broken_tests(report, variables)
        if broken:
            raise TestSetupError(f"the tests cannot run: {broken}; fix the tests first (tgfix never edits them)")

    def is_test(self, path: Path, root: Path) -> bool:
        """Tests are the loss, never the variable: a test module pytest collects, a conftest, a test file
        named in the test paths, anything in a `tests` or `test` folder of the project at root or under a
        test path outside it. A module beside the tests (`--tests .` in a flat project) is code, not a test."""
        path = path.resolve()
        if not path.is_relative_to(root):
            return any(path == top or path.is_relative_to(top) for top in self.paths)
        folders = path.relative_to(root).parts[:-1]
        return (TEST_FILE.fullmatch(path.name) is not None or any(name in folders for name in TEST_FOLDERS)
                or path in self.paths or any(path.is_relative_to(top) and _collected(path.name, top)
                                             for top in self.paths if top.is_dir()))


def split_node_id(selector: str) -> tuple[str, str]:
    """"tests/test_calc.py::test_add" -> ("tests/test_calc.py", "::test_add"); a plain path -> (path, "")."""
    path, separator, node = selector.partition(NODE_ID)
    return path, separator + node


def _collected(name: str, folder: Path) -> bool:
    """Whether pytest, run on folder, collects a file of this name as a test module."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in python_files(folder))


@functools.cache
def python_files(folder: Path) -> tuple[str, ...]:
    """The test module patterns of pytest run on folder: python_files in the project's pytest configuration
    (found as pytest finds it), else pytest's defaults."""
    try:
        found = locate_config(folder, [folder])[2].get("python_files")
    except pytest.UsageError:  # a broken configuration: pytest will say so when the tests run
        found = None
    value = found.value if found else PYTHON_FILES
    return tuple(value.split() if isinstance(value, str) else value)


def _copied_folder(path: Path) -> Path:
    """What a sandbox copies for a test path outside the project: a folder, or a test file's folder
    (its conftest.py and helpers come with it)."""
    return path if path.is_dir() else path.parent


def flaky_at_start(losses: Sequence[Loss]) -> list[Loss]:
    """The losses with the tests that disagree with themselves on the unchanged files out of the score.

    The tests that failed run again alone, which costs little; only when one of them passes does
    the whole suite run again, in its order, and the tests whose outcome differs between the two
    whole runs are flaky. A test that fails only after another one (state they share, maybe the
    file's own, such as a mutable default) passes alone but fails again there: a bug to repair.
    """
    first = losses[0]
    x, report = first.variable, first.report
    failing = frozenset(case.id for case in report.failures)
    if not failing or not failing & first.fn.rerun(x, x.value, failing).passed:
        return list(losses)
    again = {case.id: case.outcome for case in first.fn.evaluate(x, x.value).cases}
    flaky = frozenset(case.id for case in report.cases if again.get(case.id, case.outcome) != case.outcome)
    return [loss.excluding(flaky) for loss in losses]


def broken_tests(report: TestReport, variables: Sequence[Variable]) -> str | None:
    """Why the tests cannot judge the variables (a test module that does not import for reasons of its
    own: a syntax error in it, a missing module that is not a variable), or None."""
    for case in report.failures:
        if case.outcome != "error" or case.message != "collection failure":
            continue
        error = next((line[1:].strip() for line in reversed(case.traceback.splitlines()) if line.startswith("E ")), "")
        sites = traceback_sites(case.traceback)
        if not sites:
            continue
        path, line = sites[-1]  # innermost: a SyntaxError's file comes after the frames that imported it
        if any(_is_variable(path, x) or _names_module_of(error, x) for x in variables):
            continue  # the variable's own fault: that is what tgfix repairs
        return f"{path}:{line}: {error}"
    return None


def _is_variable(path: str, x: Variable) -> bool:
    """Whether a path in the copy is x: root/name (../name from a command run in a subfolder), or
    project/name when tests outside the root were copied beside it (sandbox.Sandbox)."""
    return re.sub(r"^(\.\.?/)+", "", path) == x.name or f"/{path}".endswith(f"/{x.root.name}/{x.name}")


def _names_module_of(error: str, x: Variable) -> bool:
    module = Path(x.name).with_suffix("").as_posix().replace("/", ".")
    return bool(re.search(rf"(from|named) '({re.escape(module)}|{re.escape(Path(x.name).stem)})'", error))


def failure_text(case: TestCase) -> str:
    """One failing test as the model reads it: its id, message and (short) traceback."""
    return prompts.FAILURE.substitute(test=case.id, message=case.message or case.outcome, traceback=_indent(case.traceback))


def _trace_line(step: dict, source: list[str]) -> str:
    number = step["line"]
    code = source[number - 1].strip() if 0 < number <= len(source) else ""
    if "returned" in step:
        return f"  line {number}: {code}  -> returned {step['returned']}"
    if "raised" in step:
        return f"  line {number}: {code}  -> raised {step['raised']}"
    values = ", ".join(f"{name}={value}" for name, value in step["locals"].items())
    return f"  line {number}: {code}  [{values}]"


def read_problem(path: str | None) -> str:
    if path is None:
        return ""
    try:
        return read_text(Path(path))
    except OSError as error:
        raise UsageError(f"cannot read the problem statement {path}: {error.strerror}") from None


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
