"""`tgfix polish`: once every test passes, make the file faster without changing what it does.

The loss is the time the tests take (or a benchmark command), measured several times; a
step is accepted only if every test still passes and the median time drops by more than
the noise of the measurement. The loop, the session and the optimizer are solve's.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from typing import Sequence

from tgfix import prompts
from tgfix.commands.configured import configured_tests
from tgfix.config import Settings
from tgfix.errors import Exit, TestSetupError, TestsFailing
from tgfix.console import Console
from tgfix.formatting import seconds
from tgfix.loop import Iteration, Plan, Reporter, Silent, optimize
from tgfix.loss import Loss, TestLoss
from tgfix.optimizer import TGD
from tgfix.runner import Growth, TestCase, TestReport
from tgfix.session import Run, Trail, run_budget, session
from tgfix.variable import Variable

REPEAT = 5
MIN_GAIN = 0.05  # however steady the timings, less than 5 % faster is not worth a commit
SLOWEST_SHOWN = 3
HOT_LINES_SHOWN = 5
MIN_HOT_SHARE = 0.02  # a line with less of the time is no bottleneck worth naming
# An iteration without a new program has asked three times (optimizer.APPROACH_RETRIES): in the polish
# benchmark, such iterations came once the file had the faster algorithm, and the rest of the budget
# brought nothing more (bench/reports/polish-retries).
POLISH_PATIENCE = 1
MIN_GROWTH_SECONDS = 0.005  # a call shorter than this at its largest size times the interpreter, not the algorithm


@dataclass(frozen=True)
class Timing:
    """Repeated measurements of one run, in seconds."""

    samples: tuple[float, ...]
    repeats_seconds: float = 0.0  # wall clock of the runs beyond the report's own test run, for the report

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        return max(self.samples) - min(self.samples)

    def __str__(self) -> str:
        return f"median {seconds(self.median)}, spread {seconds(self.spread)} over {len(self.samples)} runs"


@dataclass(frozen=True)
class TimedReport(TestReport):
    timing: Timing | None = None  # None when a test fails: a wrong file is not worth timing


def faster(before: TimedReport, after: TimedReport) -> tuple[bool, str]:
    """Polish's acceptance rule: every test still passes, and the median drops by more than the noise."""
    broken = sorted((before.passed - after.passed) | {case.id for case in after.failures})
    if broken:
        return False, f"breaks {', '.join(broken[:3])}"
    old, new = before.timing, after.timing
    change = f"median {seconds(old.median)} -> {seconds(new.median)}"
    margin = max(old.spread, new.spread, MIN_GAIN * old.median)
    if new.median >= old.median - margin:
        return False, f"not faster beyond the noise ({change}, margin {seconds(margin)})"
    return True, change


@dataclass
class SpeedLoss:
    """Loss function: the tests must pass; then the time of the tests, or of `bench`, is what counts."""

    tests: TestLoss
    bench: TestLoss | None = None  # a benchmark command to time instead of the tests
    repeat: int = REPEAT
    critique: prompts.Prompt = prompts.SPEED_CRITIQUE
    measured: dict[str, TimedReport] = field(default_factory=dict)  # by source: a measurement is not repeated
    profiles: dict[str, dict[int, int]] = field(default_factory=dict)  # by source: samples per line
    growths: dict[str, Growth | None] = field(default_factory=dict)  # by source

    @property
    def problem(self) -> str:
        return self.tests.problem

    @property
    def timed(self) -> str:
        return f"`{self.bench.command}`" if self.bench else "the tests"

    def forward(self, variables: Sequence[Variable]) -> list[Loss]:
        return [Loss(x, self.evaluate(x, x.value), self) for x in variables]

    def evaluate(self, x: Variable, source: str, before: TestReport | None = None) -> TimedReport:
        """Test a candidate source for x (stopping at its first failure, given `before`); if it passes,
        time it `repeat` times."""
        if source not in self.measured:
            self.measured[source] = self._measure(x, source, before)
        return self.measured[source]

    def rerun(self, x: Variable, source: str, tests: frozenset[str]) -> TestReport:
        """Never needed by faster(), which accepts no new pass: the timing repeats rerun every test."""
        return self.tests.rerun(x, source, tests)

    def stop(self) -> None:
        self.tests.stop()  # the bench command's runs too: its TestLoss is a copy of tests, holding the same processes

    def describe(self, loss: Loss, failures: tuple[TestCase, ...] | None = None) -> str:
        cases = loss.report.cases
        slowest = sorted(cases, key=lambda case: -case.seconds)[:SLOWEST_SHOWN]
        return prompts.TIMING.substitute(count=len(cases), what=self.timed, timing=loss.report.timing,
                                         slowest=", ".join(f"{c.id} ({seconds(c.seconds)})" for c in slowest),
                                         hot=self._hot_lines(loss.variable), growth=self._growth(loss.variable))

    def _hot_lines(self, x: Variable) -> str:
        """The lines of x where the timed run spends its time, hottest first (the current best's, profiled
        once: only the states the model reads are profiled, not every candidate)."""
        if x.value not in self.profiles:
            self.profiles[x.value] = (self.bench or self.tests).line_profile(x, x.value)
        samples = self.profiles[x.value]
        total = sum(samples.values())
        hottest = sorted(samples, key=lambda line: -samples[line])[:HOT_LINES_SHOWN]
        source = x.value.splitlines()
        shown = [f"  line {line} ({samples[line] / total:.0%}): {source[line - 1].strip()}" for line in hottest
                 if 0 < line <= len(source) and samples[line] / total >= MIN_HOT_SHARE]
        return prompts.HOT_LINES.substitute(name=x.name, what=self.timed, lines="\n".join(shown)) if shown else ""

    def _growth(self, x: Variable) -> str:
        """How the time of x's costliest function grows with its input (the current best's, measured once)."""
        if x.value not in self.growths:
            self.growths[x.value] = (self.bench or self.tests).growth(x, x.value)
        growth = self.growths[x.value]
        if growth is None or growth.points[-1][1] < MIN_GROWTH_SECONDS:
            return ""
        sizes = ", ".join(f"{size}: {seconds(spent)}" for size, spent in growth.points)
        return prompts.GROWTH.substitute(function=growth.function, what=self.timed, sizes=sizes,
                                         factor=f"{growth.per_doubling:.1f}", order=growth.order)

    def _measure(self, x: Variable, source: str, before: TestReport | None) -> TimedReport:
        report = self.tests.evaluate(x, source, before)
        if not report.all_passed:
            return TimedReport(**vars(report))
        first = [] if self.bench else [report]  # the test run just made is the first measurement
        repeats = [(self.bench or self.tests).evaluate(x, source) for _ in range(self.repeat - len(first))]
        runs = first + repeats
        failed = {case.id: case for run in runs for case in run.failures}  # a flaky test, or the benchmark broke
        if failed:
            return TimedReport(**{**vars(report), "cases": report.cases + tuple(failed.values())})
        samples = tuple(sum(c.seconds for c in run.cases) for run in runs)
        return TimedReport(**vars(report), timing=Timing(samples, sum(run.seconds for run in repeats)))


def polish(file: str, settings: Settings, bench_cmd: str | None = None, repeat: int = REPEAT,
           reporter: Reporter = Silent(), trail: Trail | None = None) -> Run:
    """Speed FILE up while its tests keep passing, committing every speed-up beyond the noise; with a
    trail, what it did so far is there when it ends in an error."""
    budget = run_budget(settings)
    with session([file], settings, budget) as s:
        reporter = trail.follow(s, reporter) if trail else reporter
        originals = {x.name: x.value for x in s.variables}
        tests = configured_tests(settings)
        loss_fn = SpeedLoss(tests, replace(tests, tests=(), command=bench_cmd) if bench_cmd else None, repeat)
        reporter.status(f"testing, then timing {loss_fn.timed} ({repeat} runs)")
        initial = loss_fn.forward(s.variables)
        report = initial[0].report
        tests.check_start(report, s.variables)
        if not report.all_passed:
            _check_bench(report, bench_cmd)
            raise TestsFailing(f"{len(report.failures)} of {len(report.cases)} tests fail ({report.failures[0].id}): "
                               "polish needs passing tests, run `tgfix solve` first")
        optimizer = TGD(s.variables, s.editor, edit_format=settings.edit_format, candidates=settings.candidates,
                        memory=settings.memory, accept=faster, prefer=lambda r: -r.timing.median,
                        prompt=prompts.SPEED_STEP, second_opinion=None, approaches=prompts.SPEED_APPROACHES,
                        on_status=reporter.status)
        patience = POLISH_PATIENCE if settings.patience is None else settings.patience
        plan = Plan(settings.max_iters, patience, critiques=lambda n: True,  # no failures to step from
                    on_accept=lambda x, it: s.save(x, it, verb="speed up"), done=lambda loss: False,
                    wanted="speed-up beyond the noise", budget=budget, prepare=s.prepare)
        outcome = optimize(initial, loss_fn, optimizer, s.critic, plan, reporter)
    exit_code = Exit.PASSED if any(i.step.accepted for i in outcome.iterations) else Exit.NO_IMPROVEMENT
    return Run.of(s, originals, outcome, exit_code)


def _check_bench(report: TestReport, bench_cmd: str | None) -> None:
    """A bench command that fails on the file as it is cannot time anything: the command, not FILE, is wrong."""
    failed = next((case for case in report.failures if bench_cmd and case.id == f"command: {bench_cmd}"), None)
    if failed:
        raise TestSetupError(f"the bench command failed on the unchanged file, so it times nothing: {bench_cmd}: "
                             f"{failed.message or 'exit status not 0'}")


class PolishConsole(Console):
    """The console, plus the measurements polish's decisions rest on."""

    def started(self, losses: Sequence[Loss]) -> None:
        super().started(losses)
        self.say(f"    time: {losses[0].report.timing}")

    def iteration(self, iteration: Iteration) -> None:
        super().iteration(iteration)
        if iteration.step.accepted:
            self.say(f"    {iteration.step.reason}")


def speedup(run: Run) -> str:
    """The time before and after, e.g. 'median 0.70 s -> 0.16 s (4.3x faster)'."""
    before, after = run.initial[0].report.timing, run.final[0].report.timing
    ratio = before.median / max(after.median, 1e-9)  # JUnit rounds a very fast test run down to 0
    return f"median {seconds(before.median)} -> {seconds(after.median)} ({ratio:.1f}x faster)"
