"""`tgfix solve`: repair FILES (or, without FILES, the files the failing tests point at) until their tests
pass, committing every improvement."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from tgfix import prompts
from tgfix.budget import Budget
from tgfix.commands.configured import configured_tests
from tgfix.config import Settings
from tgfix.errors import Exit, TestSetupError, UsageError
from tgfix.llm import LLM
from tgfix.local import default_model
from tgfix.localize import FileRanking, localize_files
from tgfix.loop import Plan, Reporter, Silent, optimize
from tgfix.loss import Loss, flaky_at_start
from tgfix.optimizer import TGD
from tgfix.session import Run, Trail, project_sources, run_budget, session
from tgfix.variable import project_root


def solve(files: list[str], settings: Settings, reporter: Reporter = Silent(), trail: Trail | None = None,
          budget: Budget | None = None, done: FileRanking | None = None) -> Run:
    """The run; with a trail, what it did so far is there when it ends in an error. Without files, the
    files the failing tests point at (solve_localized). The budget is the settings' from now unless
    given (the benchmark's adds a call cap; a next file gets what is left); `done`: the test run of the
    files as they are that chose them, which stands for the first one."""
    budget = budget or run_budget(settings)
    if not files:
        return solve_localized(settings, reporter, trail, budget)
    with session(files, settings, budget) as s:
        reporter = trail.follow(s, reporter) if trail else reporter
        originals = {x.name: x.value for x in s.variables}
        loss_fn = configured_tests(settings)
        reporter.status("running the tests")
        initial = loss_fn.forward(s.variables, done)
        loss_fn.check_start(initial[0].report, s.variables)
        if not initial[0].passed:
            reporter.status("running the failing tests again")
            initial = flaky_at_start(initial)
            if not initial[0].report.scored:
                raise TestSetupError(f"every test is flaky on the unchanged files ({initial[0].report.score}): "
                                     "tgfix cannot tell a repair from luck; make the tests deterministic first")
        optimizer = TGD(s.variables, s.editor, edit_format=settings.edit_format, candidates=settings.candidates,
                        memory=settings.memory, on_status=reporter.status,
                        second_opinion=prompts.BARE_REPAIR if settings.second_opinion else None)
        gradient = schedule(settings, s.critic)
        plan = Plan(settings.max_iters, settings.patience, critiques=lambda n: critiques(gradient, n),
                    on_accept=s.save, budget=budget, prepare=s.prepare)
        outcome = optimize(initial, loss_fn, optimizer, s.critic, plan, reporter)
    return Run.of(s, originals, outcome, _exit_code(outcome))


def solve_localized(settings: Settings, reporter: Reporter, trail: Trail | None, budget: Budget) -> Run:
    """solve without FILES: run the tests once with coverage of every source file of the project, then
    repair the file the failing tests point at most (localize.rank_files); while tests still fail and
    the time and cost budgets last, the next, up to --max-files. Each file gets the iteration budget,
    all share the time and cost budgets. With no failing test there is nothing to repair."""
    began = datetime.now(timezone.utc)
    if settings.test_cmd:
        raise UsageError("name the FILES to repair: with --test-cmd tgfix has no coverage to choose them by")
    model = settings.model or default_model()  # before the tests run, as with FILES: no model, no run
    loss_fn = configured_tests(settings)
    root = project_root(Path.cwd() / "x")
    sources = project_sources(root, settings)
    reporter.status("running the tests to find the files to repair")
    ranking = localize_files(loss_fn.spec_at(root), {path.relative_to(root).as_posix(): path.read_bytes()
                                                      for path in sources})
    if not ranking.report.failures:
        return Run.passing(Loss(None, ranking.report, loss_fn), settings, model, began)
    chosen = ranking.files[:settings.max_files]
    if not chosen:
        loss_fn.check_start(ranking.report, [], root)
        why = f"; {ranking.report.note}" if ranking.report.note else ""
        raise UsageError(f"tests {ranking.report.score} pass, and the failing tests point at no source file of "
                         f"the project (their tracebacks end in tests or installed packages, and they run no code "
                         f"of {root}{why}): name the FILES to repair")
    for rank, file in enumerate(chosen, 1):
        reporter.say(f"{'repairing' if rank == 1 else 'next, if tests still fail:'} {file.name} "
                     f"(score {file.score:.2f}: {file.evidence})")
    run = solve([str(root / chosen[0].name)], settings, reporter, trail, budget, ranking)
    for file in chosen[1:]:
        left = None if run.final[0].passed else _budget_left(budget, run)
        if left is None:
            break
        reporter.say(f"tests {run.final[0].report.score} pass: repairing {file.name} next")
        run = run.then(solve([str(root / file.name)], settings, reporter, trail, left))
    return replace(run, localized=chosen, exit_code=_exit_code(run))


def _budget_left(budget: Budget, run: Run) -> Budget | None:
    """The next file's budget: the same deadline, the calls and cost left; None once one is spent."""
    calls = None if budget.max_calls is None else budget.max_calls - run.usage.calls
    cost = None if budget.max_cost is None else budget.max_cost - run.usage.cost
    if budget.out_of_time or (calls is not None and calls <= 0) or (cost is not None and cost <= 0):
        return None
    return replace(budget, max_calls=calls, max_cost=cost)


def schedule(settings: Settings, critic: LLM) -> str:
    """The --gradient schedule; `auto`: none from the embedded model, whose critiques cost calls and
    fixed no case more on the benchmark (bench/README.md), after the first step from any other."""
    if settings.gradient != "auto":
        return settings.gradient
    return "never" if critic.is_local else "after-first"


def critiques(gradient: str, number: int) -> bool:
    """Whether iteration `number` writes a critique before its step under the schedule `gradient`."""
    return {"always": True, "after-first": number > 1, "alternating": number % 2 == 0, "never": False}[gradient]


def _exit_code(outcome) -> Exit:
    if all(loss.passed for loss in outcome.final):
        return Exit.PASSED
    return Exit.IMPROVED if any(i.step.accepted for i in outcome.iterations) else Exit.NO_IMPROVEMENT
