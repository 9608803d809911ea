"""The budget is an object passed to whatever spends it, and the engine's parts are handed what they use
(issue 27 items 2 and 3): nothing is set on a shared object, nothing is reached through a global."""

import threading
import time
from pathlib import Path

import pytest

from conftest import BUGGY_STATS
from tgfix.budget import Budget, BudgetSpent
from tgfix.commands.solve import solve
from tgfix.config import Settings
from tgfix.llm import LLM
from tgfix.loop import Plan, Silent, optimize
from tgfix.loss import TestLoss
from tgfix.optimizer import TGD
from tgfix.session import engines, run_budget
from tgfix.variable import Variable


def test_a_budget_allows_the_answers_its_call_cap_has_left():
    budget = Budget(max_calls=3)
    assert budget.answers(4, made=1) == 2
    with pytest.raises(BudgetSpent, match=r"call budget \(3\) spent"):
        budget.answers(1, made=3)
    with pytest.raises(BudgetSpent, match="time budget spent"):
        Budget(deadline=time.monotonic() - 1).answers(1, made=0)
    assert Budget.from_now(30).time_spent == "time budget (30 s) spent"
    assert Budget.from_now(None).deadline is None and not Budget.from_now(None).out_of_time


@pytest.mark.slow
def test_solve_stops_at_the_call_cap_its_caller_passes(project, scripted, monkeypatch):
    """The benchmark compares methods at equal calls: it passes the cap; no setting carries it."""
    monkeypatch.chdir(project)
    settings = Settings(tests=("tests",), model="openai/scripted", cache=False, gradient="never", commit=False)
    scripted += ["no code in this answer"] * 5
    run = solve(["stats.py"], settings, budget=run_budget(settings, max_calls=2))
    assert run.stop_reason == "call budget (2) spent"
    assert run.usage.calls == len(scripted.requests) == 2
    assert "max_calls" not in Settings.model_fields


def test_the_editor_and_a_separate_critic_hold_the_budget_they_were_given():
    budget = Budget(max_calls=3)
    editor, critic = engines(Settings(model="openai/a", gradient_model="openai/b", cache=False), budget)
    assert editor is not critic
    assert editor.budget is critic.budget is budget and editor.usage is critic.usage


@pytest.mark.slow
def test_the_loop_stops_at_its_plans_budget_and_sets_nothing_on_the_engines(project, scripted):
    plan = Plan(5, None, critiques=lambda n: False, on_accept=lambda x, iteration: None,
                budget=Budget.from_now(0.001), prepare=lambda reporter: reporter.status("preparing"))
    x = Variable.from_file(project / "stats.py", root=project)
    loss_fn = TestLoss(tests=str(project / "tests"))
    initial = loss_fn.forward([x])  # the deadline passes meanwhile
    engine = LLM("openai/scripted", cache=None)
    heard = []

    class Heard(Silent):
        def started(self, losses):
            heard.append("started")

        def status(self, text):
            heard.append(text)

    outcome = optimize(initial, loss_fn, TGD([x], engine), engine, plan, Heard())
    assert outcome.stop_reason == "time budget (0.001 s) spent" and not scripted.requests
    assert heard == ["started", "preparing"]  # prepared once the start is reported, before any step
    assert engine.budget == Budget()  # the engine spends the budget it was built with, which is none here


SLOW_TEST = """\
import pathlib
import time


def test_slow():
    pathlib.Path({started!r}).write_text("started")
    deadline = time.monotonic() + 60
    while not pathlib.Path({go!r}).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
"""


def slow_project(root: Path, started: Path, go: Path) -> Variable:
    """A project whose one test says it started, then waits up to a minute for `go`."""
    (root / "tests").mkdir(parents=True)
    (root / "stats.py").write_text(BUGGY_STATS)
    (root / "tests" / "test_slow.py").write_text(SLOW_TEST.format(started=str(started), go=str(go)))
    return Variable.from_file(root / "stats.py", root=root)


def wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), f"{path} never appeared"


@pytest.mark.slow
def test_stopping_a_loss_function_ends_its_own_test_runs_and_no_other(tmp_path):
    """What the optimizer does after Ctrl-C so that leaving its pool does not wait for every test run:
    the loss function ends its runs, not every run of the process (no global registry)."""
    go = tmp_path / "go"
    stopped = slow_project(tmp_path / "stopped", tmp_path / "stopped-started", go)
    other = slow_project(tmp_path / "other", tmp_path / "other-started", go)
    stopped_fn, other_fn = (TestLoss(tests=str(x.root / "tests"), test_timeout=120) for x in (stopped, other))
    reports, ended = {}, {}

    def evaluate(name, loss_fn, x):
        reports[name] = loss_fn.evaluate(x, x.value)
        ended[name] = time.monotonic()

    threads = [threading.Thread(target=evaluate, args=("stopped", stopped_fn, stopped)),
               threading.Thread(target=evaluate, args=("other", other_fn, other))]
    for thread in threads:
        thread.start()
    wait_for(tmp_path / "stopped-started")
    wait_for(tmp_path / "other-started")
    asked = time.monotonic()
    stopped_fn.stop()
    threads[0].join(timeout=30)
    assert "stopped" in ended and ended["stopped"] - asked < 15
    assert not reports["stopped"].all_passed
    assert threads[1].is_alive()  # the other loss function's run goes on
    go.write_text("go")
    threads[1].join(timeout=60)
    assert reports["other"].all_passed, reports["other"]
