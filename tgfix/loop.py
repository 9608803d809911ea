"""The optimization loop every command runs: forward, backward, step, accept; until done or out of budget.

    losses = loss_fn.forward(variables)
    for each iteration, for each variable:
        if the plan says so: backward(loss)      # the critique into x.grad
        step = optimizer.step(loss)              # propose, validate, keep only what the plan accepts
        if step.accepted: plan.on_accept(...); losses = loss_fn.forward(variables)
        losses without the tests found flaky so far (TestReport.flaky)

A Plan is what a command configures: when to critique, when the goal is reached, what to
do with an accepted step, what to prepare before the first step, and the budget (the same
Budget the command gave the engines). The loop prints nothing: it tells a Reporter.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Protocol, Sequence

from tgfix.budget import Budget, BudgetSpent
from tgfix.gradient import backward
from tgfix.llm import LLM, Usage
from tgfix.loss import Loss, LossFunction
from tgfix.optimizer import TGD, StepResult
from tgfix.variable import Variable


@dataclass(frozen=True)
class Iteration:
    number: int
    file: str
    loss: Loss
    gradient: str | None  # the critique the step read; None when it read the test results alone
    step: StepResult
    commit: str | None
    seconds: float
    calls: int
    tokens: int
    cost: float


class Reporter(Protocol):
    """Who hears what the loop does (the console; nobody in the benchmark)."""

    def status(self, text: str) -> None: ...

    def say(self, text: str) -> None: ...

    def started(self, losses: Sequence[Loss]) -> None: ...

    def iteration(self, iteration: Iteration) -> None: ...


class Silent:
    def status(self, text: str) -> None:
        pass

    def say(self, text: str) -> None:
        pass

    def started(self, losses: Sequence[Loss]) -> None:
        pass

    def iteration(self, iteration: Iteration) -> None:
        pass


@dataclass(frozen=True)
class Plan:
    max_iters: int
    patience: int | None                   # iterations without a new idea that end the run; None: never
    critiques: Callable[[int], bool]       # whether iteration n writes a critique before its step
    on_accept: Callable[[Variable, Iteration], str | None]  # save the variable; the commit, if any
    done: Callable[[Loss], bool] = lambda loss: loss.passed
    wanted: str = "improvement"            # what patience waits for, in the stop reason
    budget: Budget = Budget()              # the deadline and the caps; the command gave the engines the same
    prepare: Callable[[Reporter], None] = lambda reporter: None  # once the start is reported (load a model)


@dataclass(frozen=True)
class Outcome:
    initial: tuple[Loss, ...]
    iterations: tuple[Iteration, ...]
    final: tuple[Loss, ...]
    stop_reason: str


def optimize(initial: Sequence[Loss], loss_fn: LossFunction, optimizer: TGD, critic: LLM, plan: Plan,
             reporter: Reporter = Silent()) -> Outcome:
    """Run the plan from the losses of the variables as they are; the critic's usage is the run's."""
    losses, iterations, idle, stop = list(initial), [], 0, ""
    flaky = frozenset().union(*(loss.report.flaky for loss in initial))  # excluded from the score from then on
    variables = [loss.variable for loss in losses]
    budget = plan.budget
    reporter.started(losses)
    plan.prepare(reporter)
    for number in range(1, plan.max_iters + 1):
        accepted = new_ideas = False
        try:
            for index, x in enumerate(variables):
                if plan.done(losses[index]):
                    break
                if budget.out_of_time:
                    stop = budget.time_spent
                    break
                iteration = _iterate(number, losses[index], optimizer, critic, plan.critiques(number), reporter)
                new_ideas |= iteration.step.new_ideas > 0
                if iteration.step.accepted:
                    accepted = True
                    iteration = replace(iteration, commit=plan.on_accept(x, iteration))
                    reporter.status("running the tests")
                    losses = loss_fn.forward(variables)
                flaky |= iteration.step.flaky
                losses = [loss.excluding(flaky) for loss in losses]
                iterations.append(iteration)
                reporter.iteration(iteration)
                if not losses[index].report.scored:
                    stop = "every test is flaky: nothing left to judge a change by"
                    break
        except BudgetSpent as spent:
            stop = budget.time_spent if budget.out_of_time else str(spent)
            break
        if stop or all(plan.done(loss) for loss in losses):
            break
        idle = 0 if accepted else idle if new_ideas else idle + 1  # patience waits for new ideas, not calls
        stop = _budget_spent(critic.usage, idle, plan)
        if stop:
            break
    done = all(plan.done(loss) for loss in losses)
    stop = "all tests pass" if done else stop or f"iteration budget ({plan.max_iters}) used"
    return Outcome(tuple(initial), tuple(iterations), tuple(losses), stop)


def _budget_spent(usage: Usage, idle: int, plan: Plan) -> str:
    """Why the loop must stop now (cost spent, patience lost), or "" to go on."""
    max_cost = plan.budget.max_cost
    if max_cost is not None and usage.cost >= max_cost:
        return f"cost budget ${max_cost:g} spent"
    if plan.patience is not None and idle >= plan.patience:
        return f"no {plan.wanted} and no new idea in {idle} iteration{'s' if idle != 1 else ''} (patience)"
    return ""


def _iterate(number: int, loss: Loss, optimizer: TGD, critic: LLM, critique: bool, reporter: Reporter) -> Iteration:
    started, before = time.monotonic(), critic.usage.snapshot()
    x = loss.variable
    if critique:
        reporter.status(f"writing the gradient for {x.name}")
        backward(loss, critic)
    gradient = x.grad
    step = optimizer.step(loss)
    optimizer.zero_grad()
    spent = critic.usage.since(before)
    return Iteration(number, x.name, loss, gradient, step, None, time.monotonic() - started,
                     spent.calls, spent.prompt_tokens + spent.completion_tokens, spent.cost)
