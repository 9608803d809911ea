"""The loss: run the tests on the variable, and describe the failures in words a model can use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tgfix import gradient, prompts
from tgfix.config import Settings
from tgfix.errors import UsageError
from tgfix.localize import SuspiciousLine, rank_lines
from tgfix.runner import LineCoverage, TestCase, TestReport, TestSpec, run_tests
from tgfix.sandbox import Limits
from tgfix.variable import Variable

MAX_FAILURES_SHOWN = 8


@dataclass(frozen=True)
class Loss:
    variable: Variable
    report: TestReport
    fn: "TestLoss"
    suspicious: tuple[SuspiciousLine, ...] = ()
    coverage: LineCoverage = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.report.all_passed

    def text(self, failures: tuple[TestCase, ...] | None = None) -> str:
        failures = self.report.failures if failures is None else failures
        shown = "\n".join(prompts.FAILURE.substitute(test=f.id, message=f.message or f.outcome,
                                                     traceback=_indent(f.traceback))
                          for f in failures[:MAX_FAILURES_SHOWN])
        if len(failures) > MAX_FAILURES_SHOWN:
            shown += f"\n(and {len(failures) - MAX_FAILURES_SHOWN} more failing tests)"
        lines = "\n".join(f"  line {s.number} ({s.score:.2f}): {s.text}" for s in self.suspicious)
        return prompts.LOSS.substitute(score=self.report.score, failures=shown,
                                       suspicious=prompts.SUSPICIOUS.substitute(lines=lines) if lines else "")

    def problem_block(self) -> str:
        problem = self.fn.problem.strip()
        return prompts.PROBLEM.substitute(problem=problem) if problem else ""

    def backward(self, engine=None) -> gradient.Gradient:
        """Write the textual gradient into variable.grad (engine: an LLM; default: the default model)."""
        from tgfix.llm import default_engine
        self.variable.grad = gradient.backward(self, engine or default_engine())
        return self.variable.grad

    def as_gradient(self) -> gradient.Gradient:
        """Use the loss itself as the feedback, with no critic call (the 'no gradient' ablation)."""
        self.variable.grad = gradient.Gradient(self.text(), self, from_critic=False)
        return self.variable.grad


@dataclass
class TestLoss:
    """Loss function: the tests of a project. Calling it on a variable runs them."""
    __test__ = False  # a tgfix class, not for pytest to collect

    tests: str | Path | list | tuple = ()
    command: str | None = None
    test_timeout: float = 10.0
    limits: Limits = field(default_factory=Limits)
    problem: str = ""
    localize: bool = True
    python: str | None = None  # the interpreter for the tests; None: the project's virtualenv, else tgfix's own

    @classmethod
    def from_settings(cls, settings: Settings) -> "TestLoss":
        """The project's tests as configured (flags, env, pyproject); one-line errors when there are none."""
        if not settings.tests and not settings.test_cmd:
            raise UsageError("no tests: pass --tests PATH or --test-cmd CMD (or set them in [tool.tgfix])")
        for path in settings.tests:
            if not Path(path).exists():
                raise UsageError(f"no such tests path: {path}")
        return cls(tests=settings.tests, command=settings.test_cmd, test_timeout=settings.test_timeout,
                   limits=Limits(), problem=read_problem(settings.problem), localize=settings.localize,
                   python=settings.python)

    def spec(self, x: Variable) -> TestSpec:
        paths = [self.tests] if isinstance(self.tests, (str, Path)) else list(self.tests)
        relative = tuple(Path(p).resolve().relative_to(x.root).as_posix() for p in paths if str(p))
        return TestSpec(x.root, relative, self.command, self.test_timeout, self.limits, self.python)

    def __call__(self, x: Variable) -> Loss:
        report, coverage = run_tests(self.spec(x), x.name, x.value, with_coverage=self.localize)
        failing = frozenset(f.id for f in report.failures)
        suspicious = rank_lines(coverage, failing, x.value) if failing else ()
        return Loss(x, report, self, suspicious, coverage)

    def evaluate(self, x: Variable, source: str, before: TestReport | None = None) -> TestReport:
        """Test a candidate source for x without touching x.

        With `before`, the current best's report, the run stops once the candidate cannot be
        accepted (runner.run_tests); the tests it left out are "not run".
        """
        return run_tests(self.spec(x), x.name, source, before=before)[0]


def read_problem(path: str | None) -> str:
    if path is None:
        return ""
    try:
        return Path(path).read_text()
    except OSError as error:
        raise UsageError(f"cannot read the problem statement {path}: {error.strerror}") from None


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
