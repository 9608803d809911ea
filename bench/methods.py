"""The repair methods the benchmark compares, all with the same model and the same call budget.

A method repairs `case.file` inside `work` (a fresh git copy of the case) in place and
returns a Trace; the runner judges the file it leaves. Every method's model calls go
with a Budget whose max_calls is `setup.calls`, so no method can make more than that many calls.

- single-shot: one greedy call with the bare prompt (the file, the first failure, "the tests
  are correct, fix the bug"), whole file back.
- best-of-n: the bare prompt again and again, greedy first, then sampled at temperature 0.8
  with a fresh seed, every answer tested against the original file's tests, the best kept;
  no feedback at all. The honest competitor of any repair loop.
- naive-retry: the common naive loop: ask, apply the answer if it parses, rerun the tests,
  ask again with the current file and the latest failures; no critique, no memory, no
  acceptance rule (a worse answer is kept too).
- tgfix and its ablations: tgfix.solve with one setting changed.

Every method stops at the call budget and at the wall-clock budget (`Setup.seconds`).
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from string import Template

from bench.corpus import Case
from tgfix import excerpt, local, patch, prompts
from tgfix.config import Settings
from tgfix.commands.solve import solve
from tgfix.budget import Budget, BudgetSpent
from tgfix.errors import ModelUnavailable
from tgfix.llm import LLM, DiskCache, Usage
from tgfix.loss import Loss, TestLoss
from tgfix.optimizer import SAMPLING_TEMPERATURE, PlainRequest, plain_request
from tgfix.runner import TestReport
from tgfix.session import Run, run_budget
from tgfix.variable import Variable


NAIVE_SYSTEM = "You are a Python programmer. You fix bugs so that the tests pass."

NAIVE = Template("""\
The tests of `$name` fail. Fix the code so that they pass; the tests are correct.
$problem
<FILE name="$name">
$file
</FILE>

<TEST_RESULTS>
$failures
</TEST_RESULTS>

$answer_format""")


@dataclass(frozen=True)
class Setup:
    model: str
    calls: int                       # the call budget of every method
    max_tokens: int = Settings.model_fields["max_tokens"].default  # per reply: bounds a runaway generation
    cache: bool = False              # reuse cached replies (free reruns, but model time is then not measured)
    gradient_model: str | None = None
    seconds: float | None = None     # the wall-clock budget of every method, per case


@dataclass(frozen=True)
class Trace:
    usage: Usage
    curve: tuple[int, ...]           # tests passing: before, then after each iteration (naive: each call)
    test_seconds: float              # time spent running tests
    stop_reason: str
    verdicts: tuple[str, ...] = ()   # what became of each proposal, in order: "no change", "tests 3/5", ...


def single_shot(work: Path, case: Case, setup: Setup) -> Trace:
    return best_of_n(work, case, replace(setup, calls=1))


def best_of_n(work: Path, case: Case, setup: Setup) -> Trace:
    """Sample the plain request on the original file until a sample passes or a budget ends; keep the best.
    On a large file the request is tgfix's there too (tgfix.excerpt: the targets back), found from the
    first test run's coverage."""
    x = Variable.from_file(work / case.file, root=work)
    loss_fn = TestLoss(tests=str(work / case.tests), problem=_problem(work, case),
                       localize=excerpt.is_large(x.value))
    llm = LLM(setup.model, max_tokens=setup.max_tokens, cache=_cache(setup), budget=_budget(setup))
    loss = loss_fn(x)
    request = plain_request(loss, llm.is_local)
    best, curve, test_seconds, stop_reason = loss.report, [len(loss.report.passed)], loss.report.seconds, "all tests pass"
    verdicts = []
    try:
        for number in itertools.count():
            if best.all_passed:
                break
            sampling = {} if number == 0 else {"temperature": SAMPLING_TEMPERATURE, "seed": number}
            source = _plain_answer(llm, loss, request, sampling)
            report = loss_fn.evaluate(x, source) if source is not None else None
            if report is not None:
                test_seconds += report.seconds
                if len(report.passed) > len(best.passed):
                    best = report
                    x.path.write_text(source)
            verdicts.append(_verdict(x.value, source, report))
            curve.append(len(best.passed))
    except (BudgetSpent, ModelUnavailable) as ended:
        stop_reason = str(ended)
    return Trace(llm.usage, tuple(curve), test_seconds, stop_reason, tuple(verdicts))


def _plain_answer(llm: LLM, loss: Loss, request: PlainRequest, sampling: dict) -> str | None:
    """The file an answer to the plain request makes, or None."""
    if request.edit_format == "whole":
        return _source(llm(request.messages, **sampling).text)
    reply = llm(request.messages, max_tokens=request.max_tokens, stop=request.stop, **sampling)
    return request.answer(loss, reply).source


def _verdict(old: str, source: str | None, report: TestReport | None) -> str:
    """What became of a baseline's answer, from its tests' report."""
    return "unusable reply" if source is None else "no change" if source == old else f"tests {report.score}"


def _budget(setup: Setup) -> Budget:
    """The calls and the wall-clock seconds of a method's run, from now; a call under way ends at the deadline."""
    return Budget.from_now(setup.seconds, max_calls=setup.calls)


def naive_retry(work: Path, case: Case, setup: Setup) -> Trace:
    x = Variable.from_file(work / case.file, root=work)
    loss_fn = TestLoss(tests=str(work / case.tests), problem=_problem(work, case), localize=False)
    llm = LLM(setup.model, max_tokens=setup.max_tokens, cache=_cache(setup), budget=_budget(setup))
    loss = loss_fn(x)
    curve, test_seconds, stop_reason = [len(loss.report.passed)], loss.report.seconds, "all tests pass"
    verdicts = []
    try:
        while not loss.passed:
            source = _ask(llm, x, loss)
            old = x.value
            if source is not None:
                x.value = source
                x.path.write_text(source)
                loss = loss_fn(x)
                test_seconds += loss.report.seconds
            verdicts.append(_verdict(old, source, loss.report))
            curve.append(len(loss.report.passed))
    except (BudgetSpent, ModelUnavailable) as ended:
        stop_reason = str(ended)
    return Trace(llm.usage, tuple(curve), test_seconds, stop_reason, tuple(verdicts))


def _ask(llm: LLM, x: Variable, loss: Loss) -> str | None:
    prompt = NAIVE.substitute(name=x.name, problem=loss.problem_block(), file=x.value.rstrip("\n"),
                              failures=loss.text(), answer_format=prompts.WHOLE_FILE_FORMAT.substitute(name=x.name, lang="python"))
    return _source(llm([{"role": "system", "content": NAIVE_SYSTEM}, {"role": "user", "content": prompt}]).text)


def _source(reply: str) -> str | None:
    """The model's new file, or None when the reply holds no Python that parses."""
    try:
        source = patch.extract_code(reply)
        ast.parse(source)
    except (patch.PatchError, SyntaxError, ValueError):
        return None
    return source


def tgfix(work: Path, case: Case, setup: Setup, **changes) -> Trace:
    """tgfix.solve with default settings but `changes`; max_iters never binds before the call budget."""
    settings = Settings(tests=(str(work / case.tests),), model=setup.model, max_iters=setup.calls,
                        max_tokens=setup.max_tokens, cache=setup.cache,
                        problem=str(work / case.problem) if case.problem else None, time_budget=setup.seconds,
                        **changes)
    run = solve([str(work / case.file)], settings, budget=run_budget(settings, max_calls=setup.calls))
    (initial,) = run.initial
    curve = (len(initial.report.passed), *(len(i.step.after.passed) for i in run.iterations))
    verdicts = tuple(c.verdict for i in run.iterations for c in i.step.candidates)
    return Trace(run.usage, curve, _test_seconds(run), run.stop_reason, verdicts)


def tgfix_critic(work: Path, case: Case, setup: Setup) -> Trace:
    return tgfix(work, case, setup, gradient_model=setup.gradient_model)


def _test_seconds(run: Run) -> float:
    """Every test run of a solve, each once: the forward passes and the validated candidates (a candidate
    tried before shares its first report)."""
    reports = [loss.report for loss in (*run.initial, *(i.loss for i in run.iterations), *run.final)]
    reports += [c.report for i in run.iterations for c in i.step.candidates if c.report is not None]
    return sum(report.seconds for report in {id(report): report for report in reports}.values())


def _problem(work: Path, case: Case) -> str:
    return (work / case.problem).read_text() if case.problem else ""


def _cache(setup: Setup) -> DiskCache | None:
    return DiskCache(local.cache_dir() / "replies") if setup.cache else None


METHODS = {
    "single-shot": single_shot,
    "best-of-n": best_of_n,
    "naive-retry": naive_retry,
    "tgfix": tgfix,
    "tgfix-no-gradient": partial(tgfix, gradient="never"),
    "tgfix-gradient-always": partial(tgfix, gradient="always"),
    "tgfix-gradient-after-first": partial(tgfix, gradient="after-first"),
    "tgfix-gradient-alternating": partial(tgfix, gradient="alternating"),
    "tgfix-no-memory": partial(tgfix, memory=0),
    "tgfix-no-localize": partial(tgfix, localize=False),
    "tgfix-no-second-opinion": partial(tgfix, second_opinion=False),
    "tgfix-trace": partial(tgfix, trace=True),
    "tgfix-candidates-3": partial(tgfix, candidates=3),
    "tgfix-candidates-4": partial(tgfix, candidates=4),
    "tgfix-whole": partial(tgfix, edit_format="whole"),
    "tgfix-function": partial(tgfix, edit_format="function"),
    "tgfix-udiff": partial(tgfix, edit_format="udiff"),
    "tgfix-critic": tgfix_critic,    # only with a second model (--gradient-model)
}
NEEDS_SECOND_MODEL = {"tgfix-critic"}
