"""tgfix's own overhead on a large project, with scripted model replies (no model time).

Generates a project of about 5,000 files and 500 tests (one module, calc.py, of ten functions
with a tenth of the tests each; two of them wrong), then measures the sandbox setup
(sandbox.Sandbox: the copy every test run makes, and its removal); the test time of one
candidate (a no-gain edit of `double`) with the selected tests first (optimizer: the tests that
ran `double` and the failing ones) against the whole suite, and both against plain pytest on
the project; and a three-iteration tgfix.solve whose model replies come from litellm's
mock_response. For each iteration: wall time, model time, test time (the pytest
subprocesses) and tgfix's own overhead, the rest.

Run: python -m bench.probes overhead [--files 5000] [--tests 500] [--work N]
Goals: tgfix's overhead under 10% of the test time; sandbox setup under 0.5 s; a candidate's
test time with selection at least 3 times lower than with the whole suite.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Iterator
from unittest import mock

import git

from tgfix import llm, optimizer, prompts, sandbox
from tgfix.config import Settings
from tgfix.commands.solve import solve
from tgfix.loop import Silent
from tgfix.loss import TestLoss
from tgfix.session import Run
from tgfix.variable import Variable

SANDBOX_REPEATS = 5
TESTS_PER_FILE = 10
OVERHEAD_GOAL = 0.10   # of the test time
SANDBOX_GOAL = 0.5     # seconds
SELECTION_GOAL = 3.0   # times lower test time of a candidate
CANDIDATE_REPEATS = 3

CALC = '''\
def add(a, b):
    return a + b


def double(x):
    return x * 3


def sign(x):
    if x >= 0:
        return 1
    if x < 0:
        return -1
    return 0
''' + "".join(f"\n\ndef plus_{k}(x):\n    return x + {k}\n" for k in range(7))
HALF_FIXED = CALC.replace("x * 3", "x * 2")
FIXED = HALF_FIXED.replace("x >= 0", "x > 0")
NO_GAIN = CALC.replace("x * 3", "x + x + x")  # another program, so it is tested (a respelling would not be)

TESTS = ("def test_add_{n}():\n    assert add({n}, 1) == {n} + 1\n",        # pass
         "def test_double_{n}():\n    assert double({n}) == 2 * {n}\n",   # fail until double is fixed
         "def test_sign_{n}():\n    assert sign(0) == 0\n",              # fail until sign is fixed
         *(f"def test_plus_{k}_{{n}}():\n    assert plus_{k}({{n}}) == {{n}} + {k}\n" for k in range(7)))  # pass

FILLER = '''\
"""Filler module {n}: never imported by the tests, only copied."""


def value_{n}(x):
    total = 0
    for i in range(x):
        total += i * {n}
    return total


class Thing{n}:
    def __init__(self, name):
        self.name = name

    def describe(self):
        return f"thing {n}: {{self.name}}"
'''
WORK = """import pytest


@pytest.fixture(autouse=True)
def some_work():
    sum(range({work}))  # what a test computes before its assert
"""
CRITIQUE = "The code fails the double and sign tests: double must multiply by 2, sign(0) must be 0."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--tests", type=int, default=500)
    parser.add_argument("--work", type=int, default=0,
                        help="a sum over range(WORK) in each test, for tests that compute something (0: none)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tgfix-overhead-") as scratch:
        root = make_project(Path(scratch) / "project", args.files, args.tests, args.work)
        files = [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts]
        size = sum(p.stat().st_size for p in files)
        work = f", each summing range({args.work})" if args.work else ""
        print(f"project: {len(files)} files ({size / 1e6:.1f} MB), {args.tests} tests{work}, "
              f"in {tempfile.gettempdir()}")
        copy, removal = time_sandbox(root)
        print(f"sandbox setup: {copy:.3f} s copy, {removal:.3f} s removal (median of {SANDBOX_REPEATS}); "
              f"goal < {SANDBOX_GOAL} s {'met' if copy < SANDBOX_GOAL else 'NOT met'}")
        report_candidate(root)
        with scripted_model([NO_GAIN, HALF_FIXED, FIXED]) as model_seconds, timed_copies() as copies:
            report_solve(root, model_seconds, copies)
    return 0


def make_project(root: Path, files: int, tests: int, work: int = 0) -> Path:
    """calc.py, conftest.py, tests/ (TESTS_PER_FILE tests a file) and filler modules up to `files` files;
    with `work`, every test first sums range(work) (an autouse fixture)."""
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text(CALC)
    (root / "conftest.py").write_text("# marks the project root\n" + (WORK.format(work=work) if work else ""))
    test_files = -(-tests // TESTS_PER_FILE)
    for f in range(test_files):
        numbers = range(f * TESTS_PER_FILE, min(tests, (f + 1) * TESTS_PER_FILE))
        body = "\n\n".join(TESTS[n * len(TESTS) // tests].format(n=n) for n in numbers)  # a function's together
        (root / "tests" / f"test_part_{f:03d}.py").write_text("from calc import *\n\n\n" + body)
    for n in range(files - test_files - 2):
        package = root / "lib" / f"pkg_{n // 100:03d}"
        package.mkdir(parents=True, exist_ok=True)
        (package / f"mod_{n:05d}.py").write_text(FILLER.format(n=n))
    repo = git.Repo.init(root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "tgfix overhead")
        config.set_value("user", "email", "overhead@tgfix.invalid")
    repo.git.add(A=True)
    repo.git.commit("-m", "project", "--no-verify")
    return root


def time_sandbox(root: Path) -> tuple[float, float]:
    copies, removals = [], []
    for _ in range(SANDBOX_REPEATS):
        box = sandbox.Sandbox(root)
        started = time.perf_counter()
        box.__enter__()
        copied = time.perf_counter()
        box.__exit__(None, None, None)
        copies.append(copied - started)
        removals.append(time.perf_counter() - copied)
    return statistics.median(copies), statistics.median(removals)


def report_candidate(root: Path) -> None:
    """One candidate's test time: with the selected tests first, with the whole suite, and plain pytest;
    wall seconds, and CPU seconds of the test processes (what a busy machine does not distort)."""
    loss_fn = TestLoss(tests=(str(root / "tests"),))
    loss = loss_fn(Variable.from_file(root / "calc.py"))
    selected = optimizer._selected_tests(loss, NO_GAIN)
    plain = median_run(lambda: plain_pytest(root))
    whole = median_run(lambda: loss_fn.evaluate(loss.variable, NO_GAIN, before=loss.report))
    print(f"one candidate (median of {CANDIDATE_REPEATS}), wall s / test CPU s: plain pytest on the project "
          f"{plain[0]:.2f} / {plain[1]:.2f}; tgfix, whole suite {whole[0]:.2f} / {whole[1]:.2f} "
          f"({whole[1] / plain[1] - 1:+.0%} CPU over plain pytest)")
    if not selected:
        print(f"  no selection: {len(loss.report.scored)} tests (selection from {optimizer.SELECTION_MIN_TESTS}, "
              f"of at most {optimizer.SELECTION_MAX_SHARE:.0%} of them)")
        return
    first = median_run(lambda: loss_fn.evaluate(loss.variable, NO_GAIN, before=loss.report, only=selected))
    lower = whole[1] / first[1]
    print(f"  tgfix, the {len(selected)} selected tests of {len(loss.report.scored)} first: {first[0]:.2f} / "
          f"{first[1]:.2f} ({first[1] / plain[1] - 1:+.0%} CPU over plain pytest on the whole suite): "
          f"{whole[0] / first[0]:.1f}x lower wall, {lower:.1f}x lower CPU than the whole suite; "
          f"goal >= {SELECTION_GOAL:g}x {'met' if lower >= SELECTION_GOAL else 'NOT met'}")


def median_run(run) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of the child processes, of CANDIDATE_REPEATS calls of run()."""
    walls, cpus = [], []
    for _ in range(CANDIDATE_REPEATS):
        before = Mark.now([])
        run()
        spent = Mark.now([]) - before
        walls.append(spent.wall)
        cpus.append(spent.children_cpu)
    return statistics.median(walls), statistics.median(cpus)


def plain_pytest(root: Path) -> None:
    """pytest as the user runs it in the project (no sandbox, no plugin, no cache written)."""
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=root,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


@contextmanager
def scripted_model(steps: list[str]) -> Iterator[list[float]]:
    """Every model call answers at once: a critique for the gradient, else the next file in `steps`.
    Yields the seconds each call took; litellm's completion is its own again afterwards."""
    real, seconds = llm.litellm.completion, []

    def completion(**request):
        started = time.perf_counter()
        critic = request["messages"][0]["content"] == prompts.REPAIR_CRITIQUE.system
        text = CRITIQUE if critic else f"```python\n{steps.pop(0)}```\n"
        response = real(**request, mock_response=text)
        seconds.append(time.perf_counter() - started)
        return response

    with mock.patch.object(llm.litellm, "completion", completion):
        llm.LLM("openai/scripted")([{"role": "system", "content": prompts.REPAIR_CRITIQUE.system}])  # litellm's lazy imports
        seconds.clear()
        yield seconds


@dataclass(frozen=True)
class Mark:
    """The clocks at one moment of a solve."""

    wall: float
    model: float          # model seconds so far
    cpu: float            # CPU seconds of this process: tgfix, and the (tiny) in-process mock model
    children_cpu: float   # CPU seconds of finished child processes: pytest (and git)

    @classmethod
    def now(cls, model_seconds: list[float]) -> "Mark":
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return cls(time.perf_counter(), sum(model_seconds), time.process_time(), children.ru_utime + children.ru_stime)

    def __sub__(self, other: "Mark") -> "Mark":
        return Mark(*(a - b for a, b in zip(astuple(self), astuple(other))))


@contextmanager
def timed_copies() -> Iterator[list[tuple[float, float]]]:
    """Until the block ends, every sandbox copy appends (when it started, how long it took) to the yielded list."""
    copies, real = [], sandbox.copy_project

    def copy_project(root: Path, destination: Path) -> None:
        started = time.perf_counter()
        real(root, destination)
        copies.append((started, time.perf_counter() - started))

    with mock.patch.object(sandbox, "copy_project", copy_project):
        yield copies


def report_solve(root: Path, model_seconds: list[float], copies: list[tuple[float, float]]) -> None:
    marks: list[Mark] = []  # at the start and after each iteration

    class Clock(Silent):
        def started(self, losses):
            marks.append(Mark.now(model_seconds))

        def iteration(self, iteration):
            marks.append(Mark.now(model_seconds))

    settings = Settings(tests=(str(root / "tests"),), model="openai/scripted", max_iters=3, cache=False,
                        second_opinion=False)  # one answer an iteration, as its script has
    run = solve([str(root / "calc.py")], settings, Clock())
    print(f"solve: {len(run.iterations)} iterations, {run.usage.calls} model calls, stop: {run.stop_reason}")
    print("  iteration  wall s  model s  tests s  test runs  tgfix s  tgfix/tests  |  CPU: tgfix s  tests s  ratio")
    rows = []
    for number, (tests, runs, before, after) in enumerate(zip(*iteration_tests(run), marks, marks[1:]), 1):
        spent = after - before
        tgfix = spent.wall - spent.model - tests
        rows.append((tests, tgfix, spent.children_cpu, spent.cpu, runs))
        print(f"  {number:9d}  {spent.wall:6.2f}  {spent.model:7.3f}  {tests:7.2f}  {runs:9d}  {tgfix:7.2f}  "
              f"{tgfix / tests:11.0%}  |  {spent.cpu:12.2f}  {spent.children_cpu:7.2f}  "
              f"{spent.cpu / spent.children_cpu:5.0%}")
    tests, tgfix, tests_cpu, tgfix_cpu, runs = (sum(column) for column in zip(*rows))
    print(f"  per iteration, excluding model time: {(tests + tgfix) / len(rows):.2f} s "
          f"({tests / len(rows):.2f} s tests + {tgfix / len(rows):.2f} s tgfix)")
    copied = [seconds for started, seconds in copies if started > marks[0].wall]
    print(f"  of tgfix's {tgfix:.2f} s in the iterations, {len(copied)} sandbox copies took {sum(copied):.2f} s")
    print(f"tgfix overhead: {tgfix / tests:.1%} of test time (wall), {tgfix_cpu / tests_cpu:.1%} (CPU); "
          f"goal < {OVERHEAD_GOAL:.0%} {'met' if tgfix / tests < OVERHEAD_GOAL else 'NOT met'}")


def iteration_tests(run: Run) -> tuple[list[float], list[int]]:
    """Per iteration: seconds in pytest and number of test runs (candidates, plus the forward pass after
    an accepted step, whose loss the next iteration starts from)."""
    afters = [it.loss for it in run.iterations[1:]] + [run.final[0]]
    seconds, runs = [], []
    for it, after in zip(run.iterations, afters):
        reports = [c.report for c in it.step.candidates if c.report is not None]
        reports += [after.report] if it.step.accepted else []
        seconds.append(sum(r.seconds for r in reports))
        runs.append(len(reports))
    return seconds, runs

