"""`tgfix solve`: repair FILES until their tests pass, committing every improvement."""

from __future__ import annotations

from tgfix import prompts
from tgfix.budget import Budget
from tgfix.commands.configured import configured_tests
from tgfix.config import Settings
from tgfix.errors import Exit, TestSetupError
from tgfix.llm import LLM
from tgfix.loop import Plan, Reporter, Silent, optimize
from tgfix.loss import flaky_at_start
from tgfix.optimizer import TGD
from tgfix.session import Run, Trail, run_budget, session


def solve(files: list[str], settings: Settings, reporter: Reporter = Silent(),
          trail: Trail | None = None, budget: Budget | None = None) -> Run:
    """The run; with a trail, what it did so far is there when it ends in an error. The budget is the
    settings' from now unless given (the benchmark's adds a call cap)."""
    budget = budget or run_budget(settings)
    with session(files, settings, budget) as s:
        reporter = trail.follow(s, reporter) if trail else reporter
        originals = {x.name: x.value for x in s.variables}
        loss_fn = configured_tests(settings)
        reporter.status("running the tests")
        initial = loss_fn.forward(s.variables)
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
