"""Textual gradient descent: propose a new file from the gradient, validate it, keep it only if it is better.

A step samples one or more proposals, turns each into a unified diff, rejects the ones
that do not parse, runs the tests on the rest, and accepts the best one only if the acceptance
rule says it is better (by default: it passes more tests and breaks none that passed). Every
attempt, accepted or not, goes into the variable's memory, which the next backward and step read.
"""

from __future__ import annotations

import ast
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

from tgfix import patch, prompts, sandbox
from tgfix.gradient import memory_block
from tgfix.llm import LLM, Reply
from tgfix.runner import TestReport
from tgfix.variable import Attempt, Variable

UDIFF_MIN_LINES = 200     # below this, asking for the whole file is cheap and safer
MEMORY_DIFF_LINES = 30
SAMPLING_TEMPERATURE = 0.8  # for candidates > 1: distinct samples need temperature


@dataclass(frozen=True)
class Proposal:
    source: str | None     # the whole new file, None if the reply was unusable
    diff: str               # the unified diff tgfix computed from it
    edit_format: str        # whole | udiff
    error: str = ""         # why the reply was unusable
    reply: Reply | None = None


@dataclass(frozen=True)
class Candidate:
    proposal: Proposal
    report: TestReport | None  # None when rejected before any test ran
    accepted: bool
    verdict: str


@dataclass(frozen=True)
class StepResult:
    accepted: bool
    before: TestReport
    after: TestReport  # the accepted candidate's report, else before
    diff: str          # the accepted diff, else ""
    reason: str
    candidates: tuple[Candidate, ...]


Acceptance = Callable[[TestReport, TestReport], tuple[bool, str]]  # (before, after) -> (accepted, reason)
Preference = Callable[[TestReport], float]  # among accepted candidates, the highest wins (then the smallest diff)


def passing(report: TestReport) -> float:
    return len(report.passed)


def improvement(before: TestReport, after: TestReport) -> tuple[bool, str]:
    """The acceptance rule: strictly more tests pass, and none that passed now fails."""
    broken = sorted(before.passed - after.passed)
    if broken:
        return False, f"regression: {', '.join(broken[:3])} now fail{'s' if len(broken) == 1 else ''}"
    if len(after.passed) <= len(before.passed):
        return False, f"no gain (tests {before.score} -> {after.score})"
    return True, f"tests {before.score} -> {after.score}"


class TGD:
    """Textual gradient descent over file variables."""

    def __init__(self, parameters: list[Variable], model: str | LLM, *, edit_format: str = "auto",
                 candidates: int = 1, memory: int = 5, accept: Acceptance = improvement,
                 prefer: Preference = passing, on_status: Callable[[str], None] = lambda _: None):
        self.parameters = parameters
        self.engine = model if isinstance(model, LLM) else LLM(model)
        self.edit_format = edit_format
        self.candidates = candidates
        self.memory = memory
        self.accept = accept
        self.prefer = prefer
        self.on_status = on_status

    def zero_grad(self) -> None:
        for x in self.parameters:
            x.zero_grad()

    def step(self) -> list[StepResult]:
        return [self._step(x) for x in self.parameters if x.grad is not None]

    def _step(self, x: Variable) -> StepResult:
        loss = x.grad.loss
        before = loss.report
        self.on_status(f"proposing {self.candidates} change{'s' if self.candidates > 1 else ''}")
        proposals = [self.propose(x, sample) for sample in range(self.candidates)]
        self.on_status("testing proposals")
        with ThreadPoolExecutor(max_workers=min(len(proposals), 2)) as pool:
            try:
                candidates = list(pool.map(lambda p: self._validate(x, p, before), proposals))
            except KeyboardInterrupt:
                sandbox.stop_all()  # or leaving the pool would wait for every test run to end
                raise
        best = max((c for c in candidates if c.accepted), default=None,
                   key=lambda c: (self.prefer(c.report), -len(c.proposal.diff)))
        if best:
            x.value = best.proposal.source
        for candidate in candidates:
            self._remember(x, candidate, accepted=candidate is best)
        if best:
            return StepResult(True, before, best.report, best.proposal.diff, best.verdict, tuple(candidates))
        reason = "; ".join(sorted({c.verdict for c in candidates}))
        return StepResult(False, before, before, "", reason, tuple(candidates))

    def propose(self, x: Variable, sample: int = 0) -> Proposal:
        edit_format = self._format_for(x)
        proposal = self._ask(x, edit_format, sample)
        if proposal.source is None and edit_format == "udiff":
            return self._ask(x, "whole", sample)  # a diff that does not apply: fall back to the whole file
        return proposal

    def _format_for(self, x: Variable) -> str:
        if self.edit_format != "auto":
            return self.edit_format
        small_model = self.engine.model.startswith("local/")
        return "whole" if small_model or x.value.count("\n") < UDIFF_MIN_LINES else "udiff"

    def _ask(self, x: Variable, edit_format: str, sample: int) -> Proposal:
        reply = self.engine([{"role": "system", "content": prompts.STEP_SYSTEM},
                             {"role": "user", "content": self._step_prompt(x, edit_format)}],
                            **self._sampling(sample))
        try:
            if reply.truncated:
                raise patch.PatchError("reply cut off at max_tokens")
            source = (patch.extract_code(reply.text) if edit_format == "whole"
                      else patch.apply_diff(x.value, patch.extract_diff(reply.text), x.name))
        except patch.PatchError as error:
            return Proposal(None, "", edit_format, str(error), reply)
        source = _keep_final_newline(x.value, source)
        return Proposal(source, patch.make_diff(x.value, source, x.name), edit_format, reply=reply)

    def _sampling(self, sample: int) -> dict:
        if self.candidates == 1:
            return {}
        seed = (self.engine.seed or 0) + sample
        return {"seed": seed, "temperature": max(self.engine.temperature, SAMPLING_TEMPERATURE)}

    def _step_prompt(self, x: Variable, edit_format: str) -> str:
        answer = prompts.WHOLE_FILE_FORMAT if edit_format == "whole" else prompts.UDIFF_FORMAT
        return prompts.STEP.substitute(
            name=x.name, role=x.role, problem=x.grad.loss.problem_block(),
            file=x.value.rstrip("\n"), loss=x.grad.loss.text(), feedback=_feedback(x.grad),
            memory=memory_block(x.memory),
            answer_format=answer.substitute(name=x.name))

    def _validate(self, x: Variable, proposal: Proposal, before: TestReport) -> Candidate:
        if proposal.source is None:
            return Candidate(proposal, None, False, f"unusable reply: {proposal.error}")
        if not proposal.diff:
            return Candidate(proposal, None, False, "no change")
        if x.name.endswith(".py"):
            try:
                ast.parse(proposal.source)
            except SyntaxError as error:
                return Candidate(proposal, None, False, f"syntax error line {error.lineno}: {error.msg}")
            except ValueError as error:  # e.g. a lone surrogate, which cannot be encoded
                return Candidate(proposal, None, False, f"invalid source: {error}")
        report = x.grad.loss.fn.evaluate(x, proposal.source)
        return Candidate(proposal, report, *self.accept(before, report))

    def _remember(self, x: Variable, candidate: Candidate, accepted: bool) -> None:
        if self.memory <= 0:
            return
        shown = candidate.proposal.diff or candidate.proposal.error or "(the file came back unchanged)"
        brief = "\n".join(shown.splitlines()[:MEMORY_DIFF_LINES])
        x.memory.append(Attempt(brief, candidate.verdict, accepted))
        del x.memory[:-self.memory]


def _feedback(gradient) -> str:
    """The critique; none when the loss itself stood in for it (it is already in the prompt)."""
    return prompts.FEEDBACK.substitute(critique=gradient.text) if gradient.from_critic else ""


def _keep_final_newline(old: str, new: str) -> str:
    if old.endswith("\n") and not new.endswith("\n"):
        return new + "\n"
    return new
