"""Polish: once every test passes, make the file faster without changing what it does.

The loss is the time the tests take (or a benchmark command), measured several times; a
step is accepted only if every test still passes and the median time drops by more than
the noise of the measurement. Everything else is solve's: the optimizer, the gradient's
memory of attempts, the commits.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from tgfix import prompts
from tgfix.config import Settings
from tgfix.errors import Exit, TestsFailing
from tgfix.gradient import Gradient, memory_block
from tgfix.llm import LLM, CallBudgetSpent
from tgfix.loss import Loss, TestLoss
from tgfix.optimizer import TGD
from tgfix.runner import TestReport
from tgfix.solve import Event, Run, budget_spent, iterate, save, session
from tgfix.variable import Variable

REPEAT = 5
MIN_GAIN = 0.05  # however steady the timings, less than 5 % faster is not worth a commit
SLOWEST_SHOWN = 3


@dataclass(frozen=True)
class Timing:
    """Repeated measurements of one run, in seconds."""

    samples: tuple[float, ...]

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


@dataclass(frozen=True)
class TimedLoss(Loss):
    """The loss polish minimizes: how long the passing tests take. Its gradient names the bottleneck."""

    def text(self, failures=None) -> str:
        cases = self.report.cases
        slowest = sorted(cases, key=lambda case: -case.seconds)[:SLOWEST_SHOWN]
        return prompts.TIMING.substitute(count=len(cases), what=self.fn.timed, timing=self.report.timing,
                                         slowest=", ".join(f"{c.id} ({seconds(c.seconds)})" for c in slowest))

    def backward(self, engine: LLM | None = None) -> Gradient:
        from tgfix.llm import default_engine

        x = self.variable
        prompt = prompts.POLISH_GRADIENT.substitute(
            name=x.name, role=x.role, problem=self.problem_block(), numbered_file=x.numbered(),
            timing=self.text(), memory=memory_block(x.memory))
        reply = (engine or default_engine())([{"role": "system", "content": prompts.POLISH_GRADIENT_SYSTEM},
                                              {"role": "user", "content": prompt}])
        x.grad = Gradient(reply.text.strip(), self)
        return x.grad


@dataclass(frozen=True)
class SpeedLoss:
    """Loss function: the tests must pass; then the time of the tests, or of `bench`, is what counts."""

    tests: TestLoss
    bench: TestLoss | None = None  # a benchmark command to time instead of the tests
    repeat: int = REPEAT

    @property
    def problem(self) -> str:
        return self.tests.problem

    @property
    def timed(self) -> str:
        return f"`{self.bench.command}`" if self.bench else "the tests"

    def __call__(self, x: Variable) -> TimedLoss:
        return TimedLoss(x, self.evaluate(x, x.value), self)

    def evaluate(self, x: Variable, source: str) -> TimedReport:
        """Test a candidate source for x; if it passes, time it `repeat` times."""
        report = self.tests.evaluate(x, source)
        if not report.all_passed:
            return TimedReport(**vars(report))
        runs = [] if self.bench else [report]  # the test run just made is the first measurement
        runs += [(self.bench or self.tests).evaluate(x, source) for _ in range(self.repeat - len(runs))]
        failed = {case.id: case for run in runs for case in run.failures}  # a flaky test, or the benchmark broke
        if failed:
            return TimedReport(**{**vars(report), "cases": report.cases + tuple(failed.values())})
        return TimedReport(**vars(report), timing=Timing(tuple(sum(c.seconds for c in run.cases) for run in runs)))


@dataclass
class Polish(Run):
    @property
    def exit_code(self) -> Exit:
        return Exit.PASSED if self.improved else Exit.NO_IMPROVEMENT

    @property
    def timings(self) -> tuple[Timing, Timing]:
        return self.initial[self.variables[0].name].report.timing, self.final.report.timing

    @property
    def speedup(self) -> float:
        before, after = self.timings
        return before.median / max(after.median, 1e-9)  # JUnit rounds a very fast test run down to 0

    def summary(self) -> str:
        before, after = self.timings
        return f"median {seconds(before.median)} -> {seconds(after.median)} ({self.speedup:.1f}x faster)"


def polish(file: str, settings: Settings, bench_cmd: str | None = None, repeat: int = REPEAT,
           on_event: Event = lambda kind, payload: None) -> Polish:
    """Speed FILE up while its tests keep passing, committing every speed-up beyond the noise.

    The checks, engines, git and lock around the loop are solve's session.
    """
    with session([file], settings) as ([x], editor, critic, repo):
        tests = TestLoss.from_settings(settings)
        loss_fn = SpeedLoss(tests, replace(tests, tests=(), command=bench_cmd) if bench_cmd else None, repeat)
        run = Polish([x], {x.name: x.value}, ledger=editor.ledger, committed=bool(repo))
        optimizer = TGD([x], editor, edit_format=settings.edit_format, candidates=settings.candidates,
                        memory=settings.memory, accept=faster, prefer=lambda report: -report.timing.median,
                        on_status=lambda text: on_event("status", text))
        _loop(run, loss_fn, optimizer, critic, repo, settings, on_event)
    return run


def _loop(run: Polish, loss_fn: SpeedLoss, optimizer: TGD, critic: LLM, repo, settings: Settings,
          on_event: Event) -> None:
    x = run.variables[0]
    on_event("status", f"testing, then timing {loss_fn.timed} ({loss_fn.repeat} runs)")
    loss = loss_fn(x)
    if not loss.passed:
        raise TestsFailing(f"{len(loss.report.failures)} of {len(loss.report.cases)} tests fail "
                           f"({loss.report.failures[0].id}): polish needs passing tests, run `tgfix solve` first")
    run.initial = {x.name: loss}
    on_event("start", run)
    idle = 0
    for number in range(1, settings.max_iters + 1):
        try:
            iteration = iterate(number, x, loss, optimizer, critic, True, on_event)  # no failures to step from
        except CallBudgetSpent as spent:
            run.stop_reason = str(spent)
            break
        if iteration.step.accepted:
            iteration = replace(iteration, commit=save(x, iteration, repo, verb="speed up"))
            loss = TimedLoss(x, iteration.step.after, loss_fn)  # the new baseline: as measured to accept it
        run.iterations.append(iteration)
        on_event("iteration", iteration)
        idle = 0 if iteration.step.accepted else idle + 1
        run.stop_reason = budget_spent(run, idle, settings, wanted="speed-up beyond the noise")
        if run.stop_reason:
            break
    run.final = loss
    run.stop_reason = run.stop_reason or f"iteration budget ({settings.max_iters}) used"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.1f} ms"
