"""tgfix's own overhead on a large project, with scripted model replies (no model time).

Generates a project of about 5,000 files and 500 tests (one module, calc.py, with two bugs),
then measures the sandbox setup (sandbox.Sandbox: the copy every test run makes, and its
removal), and a three-iteration tgfix.solve whose model replies come from litellm's
mock_response. For each iteration: wall time, model time, test time (the pytest
subprocesses) and tgfix's own overhead, the rest.

Run: python -m bench.probes overhead [--files 5000] [--tests 500]
Goals: tgfix's overhead under 10% of the test time; sandbox setup under 0.5 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Iterator
from unittest import mock

import git

from tgfix import llm, prompts, sandbox
from tgfix.config import Settings
from tgfix.commands.solve import solve
from tgfix.loop import Silent
from tgfix.session import Run

SANDBOX_REPEATS = 5
TESTS_PER_FILE = 10
OVERHEAD_GOAL = 0.10   # of the test time
SANDBOX_GOAL = 0.5     # seconds

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
'''
HALF_FIXED = CALC.replace("x * 3", "x * 2")
FIXED = HALF_FIXED.replace("x >= 0", "x > 0")
NO_GAIN = CALC.replace("x * 3", "x + x + x")  # another program, so it is tested (a respelling would not be)

TESTS = ("def test_add_{n}():\n    assert add({n}, 1) == {n} + 1\n",        # pass
         "def test_double_{n}():\n    assert double({n}) == 2 * {n}\n",   # fail until double is fixed
         "def test_sign_{n}():\n    assert sign(0) == 0\n")               # fail until sign is fixed

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
CRITIQUE = "The code fails the double and sign tests: double must multiply by 2, sign(0) must be 0."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--tests", type=int, default=500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tgfix-overhead-") as scratch:
        root = make_project(Path(scratch) / "project", args.files, args.tests)
        files = [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts]
        size = sum(p.stat().st_size for p in files)
        print(f"project: {len(files)} files ({size / 1e6:.1f} MB), {args.tests} tests, in {tempfile.gettempdir()}")
        copy, removal = time_sandbox(root)
        print(f"sandbox setup: {copy:.3f} s copy, {removal:.3f} s removal (median of {SANDBOX_REPEATS}); "
              f"goal < {SANDBOX_GOAL} s {'met' if copy < SANDBOX_GOAL else 'NOT met'}")
        with scripted_model([NO_GAIN, HALF_FIXED, FIXED]) as model_seconds, timed_copies() as copies:
            report_solve(root, model_seconds, copies)
    return 0


def make_project(root: Path, files: int, tests: int) -> Path:
    """calc.py, conftest.py, tests/ (TESTS_PER_FILE tests a file) and filler modules up to `files` files."""
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text(CALC)
    (root / "conftest.py").write_text("# marks the project root\n")
    test_files = -(-tests // TESTS_PER_FILE)
    for f in range(test_files):
        numbers = range(f * TESTS_PER_FILE, min(tests, (f + 1) * TESTS_PER_FILE))
        body = "\n\n".join(TESTS[n % len(TESTS)].format(n=n) for n in numbers)
        (root / "tests" / f"test_part_{f:03d}.py").write_text("from calc import add, double, sign\n\n\n" + body)
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

