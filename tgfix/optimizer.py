"""Textual gradient descent: propose a new file from the gradient, validate it, keep it only if it is better.

A step samples one or more proposals, turns each into a unified diff, rejects the ones
that do not parse or drop a name the file defines, runs the tests on the rest, and accepts
the best one only if the acceptance rule says it is better (by default: it passes more
tests and breaks none that passed). Every attempt, accepted or not, goes into the
variable's memory, which the next backward and step read.
"""

from __future__ import annotations

import ast
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

from tgfix import patch, prompts, sandbox
from tgfix.llm import LLM, Reply
from tgfix.loss import Loss
from tgfix.runner import TestReport
from tgfix.variable import Variable

UDIFF_MIN_LINES = 200     # below this, asking for the whole file is cheap and safer
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
    if before.passed - after.passed:
        broken = sorted(before.passed - after.passed - after.not_run)  # the early stop's "not run" did not fail
        return False, f"regression: {', '.join(broken[:3])} now fail{'s' if len(broken) == 1 else ''}"
    if len(after.passed) <= len(before.passed):
        return False, f"no gain (tests {before.score} -> {after.score})"
    return True, f"tests {before.score} -> {after.score}"


class TGD:
    """Textual gradient descent over file variables; `prompt` is what the step asks (repair or speed)."""

    def __init__(self, parameters: list[Variable], model: str | LLM, *, edit_format: str = "auto",
                 candidates: int = 1, memory: int = 5, accept: Acceptance = improvement,
                 prefer: Preference = passing, prompt: prompts.Prompt = prompts.REPAIR_STEP,
                 on_status: Callable[[str], None] = lambda _: None):
        self.parameters = parameters
        self.engine = model if isinstance(model, LLM) else LLM(model)
        self.edit_format = edit_format
        self.candidates = candidates
        self.memory = memory
        self.accept = accept
        self.prefer = prefer
        self.prompt = prompt
        self.on_status = on_status

    def zero_grad(self) -> None:
        for x in self.parameters:
            x.zero_grad()

    def step(self, loss: Loss) -> StepResult:
        """Propose changes to loss.variable from its gradient (if any) and loss, and keep the best valid one."""
        x, before = loss.variable, loss.report
        self.on_status(f"proposing {self.candidates} change{'s' if self.candidates > 1 else ''}")
        proposals = [self.propose(loss, sample) for sample in range(self.candidates)]
        self.on_status("testing proposals")
        with ThreadPoolExecutor(max_workers=min(len(proposals), 2)) as pool:
            try:
                candidates = list(pool.map(lambda p: self._validate(loss, p), proposals))
            except KeyboardInterrupt:
                sandbox.stop_all()  # or leaving the pool would wait for every test run to end
                raise
        best = max((c for c in candidates if c.accepted), default=None,
                   key=lambda c: (self.prefer(c.report), -len(c.proposal.diff)))
        if best:
            x.value = best.proposal.source
        for candidate in candidates:
            shown = candidate.proposal.diff or candidate.proposal.error or "(the file came back unchanged)"
            x.memory.record(shown, candidate.verdict, candidate is best, keep=self.memory)
        if best:
            return StepResult(True, before, best.report, best.proposal.diff, best.verdict, tuple(candidates))
        reason = "; ".join(sorted({c.verdict for c in candidates}))
        return StepResult(False, before, before, "", reason, tuple(candidates))

    def propose(self, loss: Loss, sample: int = 0) -> Proposal:
        edit_format = self._format_for(loss.variable)
        proposal = self._ask(loss, edit_format, sample)
        if proposal.source is None and edit_format == "udiff":
            return self._ask(loss, "whole", sample)  # a diff that does not apply: fall back to the whole file
        return proposal

    def _format_for(self, x: Variable) -> str:
        if self.edit_format != "auto":
            return self.edit_format
        return "whole" if self.engine.is_local or x.value.count("\n") < UDIFF_MIN_LINES else "udiff"

    def _ask(self, loss: Loss, edit_format: str, sample: int) -> Proposal:
        x = loss.variable
        reply = self.engine(self._messages(loss, edit_format), **self._sampling(sample))
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

    def _messages(self, loss: Loss, edit_format: str) -> list[dict]:
        x = loss.variable
        answer = (prompts.WHOLE_FILE_FORMAT.substitute(name=x.name, lang="python" if x.is_python else "")
                  if edit_format == "whole" else prompts.UDIFF_FORMAT.substitute(name=x.name))
        feedback = prompts.FEEDBACK.substitute(critique=x.grad) if x.grad else ""
        return self.prompt.messages(
            name=x.name, role=x.role, problem=loss.problem_block(), file=x.value.rstrip("\n"),
            loss=loss.text(), feedback=feedback, memory=x.memory.render(), answer_format=answer)

    def _validate(self, loss: Loss, proposal: Proposal) -> Candidate:
        x = loss.variable
        if proposal.source is None:
            return Candidate(proposal, None, False, f"unusable reply: {proposal.error}")
        if not proposal.diff:
            return Candidate(proposal, None, False, "no change")
        if x.is_python:
            unfit = _unfit_python(x.value, proposal.source, loss.report)
            if unfit:
                return Candidate(proposal, None, False, unfit)
        report = loss.fn.evaluate(x, proposal.source, before=loss.report)
        return Candidate(proposal, report, *self.accept(loss.report, report))


def _unfit_python(old: str, new: str, report: TestReport) -> str:
    """Why a proposed Python file cannot be right before any test runs, or "": it does not parse, or
    it drops a name the file defined (whole-file answers silently lose code no test covers) without
    adding one the failing tests ask for (a rename they demand)."""
    try:
        ast.parse(new)
    except SyntaxError as error:
        return f"syntax error line {error.lineno}: {error.msg}"
    except ValueError as error:  # e.g. a lone surrogate, which cannot be encoded
        return f"invalid source: {error}"
    try:
        before, after = patch.defined_names(old), patch.defined_names(new)
    except SyntaxError:  # the file does not parse yet: any parsing answer is progress
        return ""
    dropped = sorted(before - after)
    asked = " ".join(f"{case.message}\n{case.traceback}" for case in report.failures)
    demanded = any(re.search(rf"\b{re.escape(name.rsplit('.', 1)[-1])}\b", asked) for name in after - before)
    if dropped and not demanded:
        return f"removes {', '.join(dropped[:3])}: keep every name the file defines"
    return ""


def _keep_final_newline(old: str, new: str) -> str:
    if old.endswith("\n") and not new.endswith("\n"):
        return new + "\n"
    return new
