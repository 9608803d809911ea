"""Textual gradient descent: propose a new file from the gradient, validate it, keep it only if it is better.

A step samples one or more proposals, turns each into a unified diff, rejects the ones
that do not parse or drop a name the file defines, runs the tests on the rest, and accepts
the best one only if the acceptance rule says it is better (by default: it passes more
tests and breaks none that passed). Every attempt, accepted or not, goes into the
variable's memory, which the next backward and step read.

It is a search, not a chain: the run's first proposal is the model's greedy best guess; when
it does not pass every test, a second opinion follows in the same step: the greedy answer to
the plain request (prompts.BARE_REPAIR). Every later proposal is a fresh sample (a small model
at temperature 0 answers a rejected attempt with a near-copy of it), and a source tested once
in the run is never tested again. A step that brought no new idea (every answer a program
tried before, or the file unchanged) makes the next one sample hotter and without the memory:
shown its rejected attempt, a small model copies it even at temperature 0.8, sample after sample.
Given `approaches` (polish's algorithmic techniques), such a step asks again at once, up to
APPROACH_RETRIES times, each time naming a technique the file does not use yet.

On a large file with the embedded model, the first steps are clozes: each writes one line the failures
point at again (the tracebacks' lines, then the suspicious ones), shown its definition without that
line. Shown the line, a small model copies it, bug included, whether asked for the whole definition
or for the lines to change. A line that compares is asked twice: its answer begun at its first word,
then begun with the line up to its last comparison.

On a large suite (SELECTION_MIN_TESTS tests or more) a candidate runs first only the tests that can
tell quickly: those that executed the definitions the failures point at or the candidate changes
(the coverage contexts of the forward pass) and the ones that failed. Only a candidate that would
be accepted on them runs the whole suite, whose report is its verdict.

A candidate about to be accepted is confirmed first: the tests it newly passes run again on the
same source, and one that fails there is flaky, out of the score from then on (TestReport.flaky),
and the candidate is judged again without it: a no-op edit never wins on a test that failed at random.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import hashlib
import io
import re
import threading
import tokenize
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

from tgfix import excerpt, patch, prompts, scope
from tgfix.hidden import is_project_module, is_third_party
from tgfix.budget import BudgetSpent
from tgfix.llm import LLM, Reply
from tgfix.loss import Loss, failure_text
from tgfix.runner import TestReport
from tgfix.source import defined_names, syntax_tree, with_lost_indentation_restored
from tgfix.variable import Variable

# auto: function-scoped from here on (bench/reports/embedded-1.5b-large: on the 70+ line cases it
# solved one more than whole-file answers and never fewer tests; 73 lines tied)
FUNCTION_MIN_LINES = 100
SAMPLING_TEMPERATURE = 0.8  # every proposal after the first: distinct samples need temperature
# After a step that brought no new idea, hotter: the step prompt's samples at 1.1 returned the file
# unchanged 24 times in 72, against 34 at 0.8, and were unusable no more often (bench/reports/samples).
REPEAT_TEMPERATURE = 1.1
# On a large file, the embedded model's first steps each write one line the failures point at again
# (TGD._cloze): this many asks, samples generated together in one request for each. No greedy answer:
# it would be a second request, on the runtime's single-sequence server, which holds no prefix of the
# batched one's (bench/reports/embedded-1.5b-large-cloze: two lines in 240 s with it, 3,000 prompt
# tokens a request).
# A line's second ask (up to its last comparison) reads the prompt of its first again: a few seconds.
CLOZE_ASKS = 18  # more than 240 s allows on a 1,400-line module (about 20 s a line after the first)
CLOZE_ANSWERS = 4
CLOZE_TOKENS = 96  # one line
APPROACH_RETRIES = 2  # asks within one step for another technique after answers that brought no new program
REMOTE_MAX_TEMPERATURE = 1.0  # the range every provider takes (Anthropic's ends at 1)
OUTCOME_MESSAGE_CHARS = 200  # of a rejected attempt's failure message, in the memory
# A reply's length is bounded by the file it rewrites: a small model at temperature 0 can loop until
# max_tokens (bench/reports/embedded-1.5b-full: on the 55-line 53_word_wrap the plain request's greedy
# answer ran past 240 s). Python runs 3 to 4 characters a token: twice the file's tokens counted at 3,
# room to talk, and never less than a solution to a problem statement needs when the file is a stub.
REPLY_TOKENS_PER_CHAR = 2 / 3
REPLY_SLACK_TOKENS = 256
REPLY_MIN_TOKENS = 1024
# Selected tests first from this many tests on, when they are at most SELECTION_MAX_SHARE of them: a
# selection costs a second pytest process for a candidate that is accepted (bench/reports/overhead-selection.txt).
SELECTION_MIN_TESTS = 50
SELECTION_MAX_SHARE = 0.5
FIRST_WORD = re.compile(r"[ \t]*[\w.]*")
COMPARISONS = {"<", "<=", ">", ">=", "==", "!=", "in", "is"}
CODING_DECLARATION = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")  # PEP 263, as tokenize reads it


@dataclass(frozen=True)
class Proposal:
    source: str | None     # the whole new file, None if the reply was unusable
    diff: str               # the unified diff tgfix computed from it
    edit_format: str        # whole | udiff | function | line
    error: str = ""         # why the reply was unusable
    reply: Reply | None = None


@dataclass(frozen=True)
class Candidate:
    proposal: Proposal
    report: TestReport | None  # None when rejected before any test ran
    accepted: bool
    verdict: str
    new: bool = False  # tested now: a source (up to comments and spacing) this run had not tried


@dataclass(frozen=True)
class StepResult:
    accepted: bool
    before: TestReport
    after: TestReport  # the accepted candidate's report, else before
    diff: str          # the accepted diff, else ""
    reason: str
    candidates: tuple[Candidate, ...]

    @property
    def new_ideas(self) -> int:
        return sum(c.new for c in self.candidates)

    @property
    def flaky(self) -> frozenset[str]:
        """The tests known to be flaky after this step (before carries those its candidates found)."""
        return self.before.flaky


Acceptance = Callable[[TestReport, TestReport], tuple[bool, str]]  # (before, after) -> (accepted, reason)
Preference = Callable[[TestReport], float]  # among accepted candidates, the highest wins (then the smallest diff)


def passing(report: TestReport) -> float:
    return len(report.passed)


def improvement(before: TestReport, after: TestReport) -> tuple[bool, str]:
    """The acceptance rule: strictly more tests pass, and none that passed now fails."""
    broken = sorted(before.passed - after.passed - after.not_run)  # not run: left out by an early stop or a selection
    if broken:
        return False, f"regression: {', '.join(broken[:3])} now fail{'s' if len(broken) == 1 else ''}"
    if not after.passed - before.passed:
        if after.not_run:  # only the selected tests ran, and they hold every test that failed before
            return False, f"no gain (none of the {len(before.failures)} failing tests passes now)"
        return False, f"no gain (tests {before.score} -> {after.score})"
    return True, f"tests {before.score} -> {after.score}"


class TGD:
    """Textual gradient descent over file variables; `prompt` is what the step asks (repair or speed)."""

    def __init__(self, parameters: list[Variable], model: str | LLM, *, edit_format: str = "auto",
                 candidates: int = 1, memory: int = 5, accept: Acceptance = improvement,
                 prefer: Preference = passing, prompt: prompts.Prompt = prompts.REPAIR_STEP,
                 second_opinion: prompts.Prompt | None = prompts.BARE_REPAIR, approaches: dict[str, str] | None = None,
                 on_status: Callable[[str], None] = lambda _: None):
        self.parameters = parameters
        self.engine = model if isinstance(model, LLM) else LLM(model)
        self.edit_format = edit_format
        self.candidates = candidates
        self.memory = memory
        self.accept = accept
        self.prefer = prefer
        self.prompt = prompt
        self.second_opinion = second_opinion  # on a Python file, its greedy answer follows a first miss
        self.approaches = approaches or {}  # technique -> what shows a file uses it (prompts.SPEED_APPROACHES)
        self.on_status = on_status
        self.proposed = 0  # proposals asked for so far: the first (and a second opinion) are greedy
        self.repeating = False  # the last step brought no new idea: the next samples hotter, without memory
        self.stuck = 0  # steps so far that brought no new idea
        self.clozed = 0  # asks for a line of a large file so far (_cloze)
        self._tested: dict[str, Future] = {}  # fingerprint of a source -> its TestReport
        self._lock = threading.Lock()

    def zero_grad(self) -> None:
        for x in self.parameters:
            x.zero_grad()

    def step(self, loss: Loss) -> StepResult:
        """Propose changes to loss.variable from its gradient (if any) and loss, and keep the best valid one."""
        x, before = loss.variable, loss.report
        self._known(x, before)
        clozes = self._cloze(loss)
        first = self.proposed == 0 and not clozes
        if not clozes:
            self.on_status(f"proposing {self.candidates} change{'s' if self.candidates > 1 else ''}")
        candidates = self._validate_all(loss, clozes or self.propose(loss))
        if first and self.second_opinion and x.is_python and not any(_nothing_left(c) for c in candidates):
            candidates += self._validate_all(loss, self._second_opinion(loss))
        for _ in range(APPROACH_RETRIES if self.approaches else 0):
            if any(c.new for c in candidates):
                break
            candidates += self._another_approach_asked(loss)
        before = before.excluding(before.flaky.union(*(c.report.flaky for c in candidates if c.report)))
        candidates = [_judged_again(c, before, self.accept) for c in candidates]
        self.repeating = not any(c.new for c in candidates)
        self.stuck += self.repeating
        best = max((c for c in candidates if c.accepted), default=None,
                   key=lambda c: (self.prefer(c.report), -len(c.proposal.diff)))
        if best:
            x.value = best.proposal.source
        for candidate in candidates:
            shown = candidate.proposal.diff or candidate.proposal.error or "(the file came back unchanged)"
            x.memory.record(shown, _outcome(candidate, before), candidate is best, keep=self.memory)
        if best:
            return StepResult(True, before, best.report, best.proposal.diff, best.verdict, tuple(candidates))
        reason = "; ".join(sorted({c.verdict for c in candidates}))
        return StepResult(False, before, before, "", reason, tuple(candidates))

    def propose(self, loss: Loss, critique: bool = True) -> list[Proposal]:
        """This step's candidates: the run's first proposal is greedy, every other one a fresh sample
        (asked for in one LLM.sample: together, as far as the engine allows); without the critique
        if told so."""
        number, self.proposed = self.proposed, self.proposed + self.candidates
        edit_format = self._format_for(loss)
        messages, max_tokens = self._messages(loss, edit_format, critique), _reply_tokens(loss, edit_format)
        start = _answer_start(loss, edit_format, self.engine.is_local)
        greedy = number == 0
        replies = self.engine.sample(_begun(messages, start), self.candidates, max_tokens=max_tokens,
                                     greedy_first=greedy, stop=_stops(start), **self._sampling(number + greedy))
        return [self._proposal(loss, edit_format, reply, number + n, start) for n, reply in enumerate(replies)]

    def _cloze(self, loss: Loss) -> list[Proposal]:
        """On a large file, the embedded model's first CLOZE_ASKS steps each write one of the lines the
        failures point at again, shown its target without it: shown the line, it copies it, bug included.
        The answer is begun with the target up to that line and the line's start (_beginnings), and ends
        with it. [] once they are done, or for another model or file."""
        if self.clozed >= CLOZE_ASKS or not self.engine.is_local or self._format_for(loss) != "function" \
                or not excerpt.context(loss):
            return []
        lines = scope.python_lines(loss.variable.value)
        asks = [(p, start) for p in excerpt.pointed_lines(loss) for start in _beginnings(lines[p.line - 1])]
        if self.clozed >= len(asks):
            return []
        asked, start = asks[self.clozed]
        self.clozed += 1
        self.on_status(f"asking for line {asked.line} again")
        old, shown = lines[asked.line - 1], excerpt.brief(asked.target, asked.line)
        begun = _begun(_cloze_messages(loss, asked, shown, old), scope.answer_start(shown, asked.line) + start)
        replies = self.engine.sample(begun, CLOZE_ANSWERS, max_tokens=CLOZE_TOKENS, stop=("\n",),
                                     **self._sampling(self.clozed, repeating=False))
        return [_line_written(loss, asked, old, start + reply.text, reply) for reply in replies]

    def _second_opinion(self, loss: Loss) -> list[Proposal]:
        """The greedy answer to the plain request, or none once a budget is spent (the loop then stops
        on it, and this step keeps what its first answers earned)."""
        self.on_status("asking for a second opinion")
        self.proposed += 1
        # the embedded model writes a whole 200-line file in minutes: asked for the targets, in seconds
        local_targets = self.engine.is_local and self._format_for(loss) == "function"
        request = plain_request(loss, self.engine.is_local, self.second_opinion,
                                "function" if local_targets else "whole")
        try:
            reply = self.engine(request.messages, max_tokens=request.max_tokens, stop=request.stop)
        except BudgetSpent:
            return []
        return [request.answer(loss, reply)]

    def _validate_all(self, loss: Loss, proposals: list[Proposal]) -> list[Candidate]:
        self.on_status("testing proposals")
        with ThreadPoolExecutor(max_workers=max(1, min(len(proposals), 2))) as pool:
            try:
                return list(pool.map(lambda p: self._validate(loss, p), proposals))
            except KeyboardInterrupt:
                loss.fn.stop()  # or leaving the pool would wait for every test run to end
                raise

    def _proposal(self, loss: Loss, edit_format: str, reply: Reply, number: int, start: str = "") -> Proposal:
        proposal = _parse(loss, edit_format, reply, start)
        # a diff or definitions that do not fit: the whole file instead, unless it is too large to write or
        # the answer was begun for the embedded model (which writes a whole 200-line file in minutes)
        if proposal.source is None and edit_format != "whole" and not start \
                and not excerpt.is_large(loss.variable.value):
            reply = self.engine(self._messages(loss, "whole"), max_tokens=_reply_tokens(loss, "whole"),
                                **self._sampling(number))
            return _parse(loss, "whole", reply)
        return proposal

    def _format_for(self, loss: Loss) -> str:
        """The edit format asked for; function-scoped only when the failures point into definitions."""
        wanted = self.edit_format
        if wanted == "auto":
            wanted = "function" if loss.variable.value.count("\n") >= FUNCTION_MIN_LINES else "whole"
        if wanted == "function" and not excerpt.failure_targets(loss):
            return "whole"
        return wanted

    def _sampling(self, number: int, repeating: bool | None = None) -> dict:
        """The engine's own settings for the run's first proposal; a fresh seed at temperature for the rest,
        hotter while the answers repeat (a cloze asks for a new line each time: never hotter)."""
        if number == 0:
            return {}
        hot = REPEAT_TEMPERATURE if self.engine.is_local else min(REPEAT_TEMPERATURE, REMOTE_MAX_TEMPERATURE)
        repeating = self.repeating if repeating is None else repeating
        return {"seed": (self.engine.seed or 0) + number,
                "temperature": max(self.engine.temperature, hot if repeating else SAMPLING_TEMPERATURE)}

    def _messages(self, loss: Loss, edit_format: str, critique: bool = True) -> list[dict]:
        x = loss.variable
        answer = {
            "whole": lambda: prompts.WHOLE_FILE_FORMAT.substitute(name=x.name, lang=patch.fence_lang(x.name)),
            "udiff": lambda: prompts.UDIFF_FORMAT.substitute(name=x.name),
            "function": lambda: function_format(loss),
        }[edit_format]()
        feedback = prompts.FEEDBACK.substitute(critique=x.grad) if x.grad and critique else ""
        failures = loss.report.failures
        memory = self._another_approach(x.value) if self.repeating else x.memory.render()
        context = excerpt.context(loss) if edit_format == "function" else ""
        return (prompts.SCOPED_REPAIR_STEP if context else self.prompt).messages(
            context=context,
            name=x.name, role=x.role, problem=loss.problem_block(), file=x.value.rstrip("\n"),
            loss=loss.text(), feedback=feedback, memory=memory,
            answer_format=answer,
            score=loss.report.score, first_failure=failure_text(failures[0]) if failures else "",
            first_loss=loss.text(failures[:1]))

    def _another_approach_asked(self, loss: Loss) -> list[Candidate]:
        """The step's answers brought no new program: ask again now, naming another technique, without the
        critique, whose idea that was (none once a budget is spent: the step keeps what it has)."""
        self.repeating, self.stuck = True, self.stuck + 1
        self.on_status("asking for another approach")
        try:
            return self._validate_all(loss, self.propose(loss, critique=False))
        except BudgetSpent:
            return []

    def _another_approach(self, source: str) -> str:
        """After answers that brought no new idea: the next technique of the list that source does not
        use yet (any, if it uses them all), if there is a list."""
        if not self.approaches:
            return ""
        unused = [a for a, used in self.approaches.items() if not re.search(used, source)] or list(self.approaches)
        return prompts.ANOTHER_APPROACH.substitute(approach=unused[(self.stuck - 1) % len(unused)])

    def _validate(self, loss: Loss, proposal: Proposal) -> Candidate:
        x = loss.variable
        if proposal.source is None:
            return Candidate(proposal, None, False, f"unusable reply: {proposal.error}")
        if not proposal.diff:
            return Candidate(proposal, None, False, "no change")
        if x.is_python:
            unfit = _unfit_python(x.value, proposal.source, loss.report) or \
                _dropped_imports(x.value, proposal.source, x)
            if unfit:
                return Candidate(proposal, None, False, unfit)
        unwritable = _unwritable(x, proposal.source)
        if unwritable:
            return Candidate(proposal, None, False, unwritable)
        report, new = self._report(loss, proposal.source)
        report = report.excluding(loss.report.flaky)  # a report from the cache predates what was found since
        accepted, verdict = self.accept(loss.report, report)
        if report.flaky - loss.report.flaky:  # found by the selected tests' run and the whole suite's
            verdict = f"{_listed(report.flaky - loss.report.flaky)} failed on a rerun (flaky); {verdict}"
        if accepted and report.passed - loss.report.passed:
            report, accepted, verdict = self._confirm(loss, proposal.source, report, verdict)
        return Candidate(proposal, report, accepted, verdict if new else f"tried before: {verdict}", new)

    def _confirm(self, loss: Loss, source: str, report: TestReport, verdict: str) -> tuple[TestReport, bool, str]:
        """Run the tests the candidate newly passes again on the same source: one that fails now is
        flaky, and the candidate is judged again without it."""
        self.on_status("confirming the tests it newly passes")
        newly = report.passed - loss.report.passed
        flaky = newly - loss.fn.rerun(loss.variable, source, newly).passed
        if not flaky:
            return report, True, verdict
        report = report.excluding(flaky)
        accepted, verdict = self.accept(loss.report.excluding(flaky), report)
        return report, accepted, f"{_listed(flaky)} failed on a rerun (flaky); {verdict}"

    def _known(self, x: Variable, report: TestReport) -> None:
        """The current best needs no test: a proposal that only respells it scores as it does."""
        self._claim(self._state(x, x.value), lambda: report)

    def _report(self, loss: Loss, source: str) -> tuple[TestReport, bool]:
        """The tests' report on source, and whether it was new: a source tried before is not run again
        (the best only gains passing tests, so an early stop's report stays valid)."""
        return self._claim(self._state(loss.variable, source), lambda: self._evaluate(loss, source))

    def _evaluate(self, loss: Loss, source: str) -> TestReport:
        """The selected tests first, if there is a selection: a candidate they do not show acceptable is
        judged by them alone; one they do runs the whole suite, which gives its verdict (and the seconds
        of both runs)."""
        x, selected = loss.variable, _selected_tests(loss, source)
        if not selected:
            return loss.fn.evaluate(x, source, before=loss.report)
        self.on_status(f"testing {len(selected)} selected tests first")
        first = loss.fn.evaluate(x, source, before=loss.report, only=selected)
        if not self.accept(loss.report, first)[0]:
            return first
        self.on_status("running the whole suite")
        whole = loss.fn.evaluate(x, source, before=loss.report)
        # On the same source: a test newly passing on the selected run and failing on the whole suite is flaky.
        flaky = frozenset(case.id for case in whole.failures) & (first.passed - loss.report.passed)
        return dataclasses.replace(whole.excluding(flaky), seconds=whole.seconds + first.seconds)

    def _state(self, x: Variable, source: str) -> str:
        """What the tests run on with source as x: every file's fingerprint, by name (the same source in
        another file, or beside another version of the other files, is another test run)."""
        files = {p.name: _fingerprint(p.value, p.is_python) for p in self.parameters}
        files[x.name] = _fingerprint(source, x.is_python)
        return hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()

    def _claim(self, key: str, evaluate: Callable[[], TestReport]) -> tuple[TestReport, bool]:
        """The report for key, computed by the first caller (other threads wait for it); whether it was."""
        with self._lock:
            new = key not in self._tested
            if new:
                self._tested[key] = Future()
        future = self._tested[key]
        if new:
            try:
                future.set_result(evaluate())
            except BaseException as error:
                future.set_exception(error)
                raise
        return future.result(), new


def bare_messages(loss: Loss, prompt: prompts.Prompt = prompts.BARE_REPAIR, edit_format: str = "whole") -> list[dict]:
    """The plain request: the file, the first failure as pytest words it, "The tests are correct. Fix the bug.";
    on a large file, the context of every call of the run instead of the file, and the targets to answer;
    in `edit_format` "function", the file and the targets to answer."""
    failure_text = _first_failure(loss)
    context = excerpt.context(loss)
    if not context and edit_format == "function":
        context = prompts.FILE_SHOWN.substitute(file=loss.variable.value.rstrip(), problem=loss.problem_block())
    if context:
        return prompts.SCOPED_BARE_REPAIR.messages(context=context, failure=failure_text,
                                                   answer_format=function_format(loss))
    return prompt.messages(file=loss.variable.value.rstrip(), problem=loss.problem_block(), failure=failure_text)


@dataclass(frozen=True)
class PlainRequest:
    """The plain request on a loss (bare_messages), and how its answer reads: the whole file, or on a large
    file the targets, the embedded model's answer begun with the first one's signature."""
    messages: list[dict]
    edit_format: str
    start: str
    max_tokens: int

    @property
    def stop(self) -> tuple[str, ...]:
        return _stops(self.start)

    def answer(self, loss: Loss, reply: Reply) -> Proposal:
        return _parse(loss, self.edit_format, reply, self.start)


def plain_request(loss: Loss, is_local: bool, prompt: prompts.Prompt = prompts.BARE_REPAIR,
                  edit_format: str = "whole") -> PlainRequest:
    """Asked in `edit_format` "function" (or on a large file) for the targets only, else for the whole file."""
    edit_format = "function" if excerpt.context(loss) else edit_format
    start = _answer_start(loss, edit_format, is_local)
    return PlainRequest(_begun(bare_messages(loss, prompt, edit_format), start), edit_format, start,
                        _reply_tokens(loss, edit_format))


def _answer_start(loss: Loss, edit_format: str, is_local: bool) -> str:
    """Asked for the targets, the embedded model's answer is begun for it with the first target's signature:
    shown the excerpt, it otherwise echoes the outline around the target (scope.ANSWER_STOPS); shown the
    whole file, the whole class around it (46_inventory: 1,625 tokens in 224 s for three methods)."""
    if edit_format != "function" or not is_local:
        return ""
    return scope.answer_start(excerpt.failure_targets(loss)[0])


def _parse(loss: Loss, edit_format: str, reply: Reply, start: str = "") -> Proposal:
    """The proposal in a reply; with `start`, the reply continues the answer begun with it."""
    x = loss.variable
    try:
        if reply.truncated and edit_format == "udiff":  # a cut-off code block fails on its open fence
            raise patch.PatchError("reply cut off at max_tokens")
        source = _new_source(loss, edit_format, scope.answer_text(start, reply.text) if start else reply.text)
    except patch.PatchError as error:
        return Proposal(None, "", edit_format, str(error), reply)
    source = _as_the_file_was(x, source)
    return Proposal(source, patch.make_diff(x.value, source, x.name), edit_format, reply=reply)


def _first_failure(loss: Loss) -> str:
    failure = loss.report.failures[0]
    return f"{failure.id}: {failure.message}\n{failure.traceback}"


def _cloze_messages(loss: Loss, asked: excerpt.Pointed, shown: scope.Target, old: str) -> list[dict]:
    """The target as `shown` with the line asked for (`old`) left out, after the excerpt of the file, and
    the first failure without that line either."""
    lines = scope.python_lines(shown.text)
    lines[asked.line - shown.start] = patch.indentation(old) + prompts.CLOZE_MARK + "\n"
    return prompts.CLOZE.messages(context=excerpt.cloze_context(loss, asked.target), target=shown.qualname,
                                  failure=_first_failure(loss).replace(old.strip(), prompts.CLOZE_MARK),
                                  mark=prompts.CLOZE_MARK, masked="".join(lines).rstrip("\n"))


def _beginnings(line: str) -> tuple[str, ...]:
    """How the answers that write `line` again are begun: at its first name or keyword (begun at the bare
    indentation, a small model writes the line after the one left out); and where it compares, with the
    line up to its last comparison, for the model to write that comparison and what follows it (a wrong
    bound or operator at a line's end, which begun at the first word it did not find)."""
    word = FIRST_WORD.match(line)[0]
    cut = _last_comparison(line.strip())
    compared = patch.indentation(line) + line.strip()[:cut].rstrip() if cut else word
    return tuple(dict.fromkeys([word, compared]))


def _last_comparison(code: str) -> int:
    """Where the last comparison operator of a line of code begins (of `not in`, its `not`; a loop's `in`
    is none); 0 if none."""
    cut, previous, loops = 0, None, 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            loops += token.string == "for"
            if token.string == "in" and loops:
                loops -= 1
            elif token.string in COMPARISONS and token.type in (tokenize.OP, tokenize.NAME):
                negated = token.string == "in" and previous is not None and previous.string == "not"
                cut = previous.start[1] if negated else token.start[1]
            previous = token
    except (tokenize.TokenError, SyntaxError):  # a line of a longer statement: its brackets left open
        pass
    return cut


def _line_written(loss: Loss, asked: excerpt.Pointed, old: str, text: str, reply: Reply) -> Proposal:
    """The file with the line asked for (`old`) as `text` (the answer) writes it, at its indentation. Where
    it began a statement over several lines and the answer is a whole statement, the answer replaces all
    of it: leaving the rest in place would leave it dangling."""
    x, written = loss.variable, text.split("\n")[0].strip()
    lines = scope.python_lines(x.value)
    following = [n.strip() for n in lines[asked.line:asked.line + 1]]
    if not written or written.startswith(("#", "...")) or [written] == following:
        return Proposal(None, "", "line", "the answer wrote no new line of code", reply)
    last = asked.last if _is_statement(written) else asked.line
    lines[asked.line - 1:last] = [patch.indentation(old) + written + old[len(old.rstrip("\r\n")):]]
    source = "".join(lines)
    return Proposal(source, patch.make_diff(x.value, source, x.name), "line", reply=reply)


def _is_statement(line: str) -> bool:
    """Whether `line` is a whole statement (of a compound one, its header): no bracket left open."""
    try:
        return any(token.type == tokenize.NEWLINE for token in tokenize.generate_tokens(io.StringIO(line).readline))
    except (tokenize.TokenError, SyntaxError):
        return False


def _begun(messages: list[dict], start: str) -> list[dict]:
    """The messages, and the answer begun with `start` for the model to continue (if any)."""
    return [*messages, {"role": "assistant", "content": start}] if start else messages


def _stops(start: str) -> tuple[str, ...]:
    return scope.ANSWER_STOPS if start else ()


def function_format(loss: Loss) -> str:
    return prompts.FUNCTION_FORMAT.substitute(name=loss.variable.name,
                                              targets=", ".join(t.label for t in excerpt.failure_targets(loss)))


def _reply_tokens(loss: Loss, edit_format: str) -> int:
    """Bounded by what the reply rewrites: the file, or the definitions asked for."""
    text = loss.variable.value
    if edit_format == "function":
        text = "".join(t.text for t in excerpt.failure_targets(loss))
    return max(REPLY_MIN_TOKENS, REPLY_SLACK_TOKENS + int(len(text) * REPLY_TOKENS_PER_CHAR))


def _nothing_left(candidate: Candidate) -> bool:
    """The candidate passes every test, or every test turned out flaky: no second opinion can do better."""
    return candidate.report is not None and (candidate.report.all_passed or not candidate.report.scored)


def _judged_again(candidate: Candidate, before: TestReport, accept: Acceptance) -> Candidate:
    """An accepted candidate without the flaky tests another candidate of the step found (a rejected
    one stays rejected: its run may have stopped early at the flaky test, and nothing confirmed it)."""
    if not candidate.accepted or candidate.report.flaky >= before.flaky:
        return candidate
    report = candidate.report.excluding(before.flaky)
    accepted, verdict = accept(before, report)
    found = _listed(before.flaky - candidate.report.flaky)
    return dataclasses.replace(candidate, report=report, accepted=accepted,
                               verdict=f"{found} failed on another candidate's rerun (flaky); {verdict}")


def _listed(tests: frozenset[str]) -> str:
    return ", ".join(sorted(tests))


def _outcome(candidate: Candidate, before: TestReport) -> str:
    """The verdict, and for a rejected candidate that fails tests what the first test it broke (else the
    first it fails) said: the memory shows why an idea failed, not only that it did."""
    report = candidate.report
    if candidate.accepted or report is None or not report.failures:
        return candidate.verdict
    failing = report.failures
    first = next((case for case in failing if case.id in before.passed), failing[0])
    message = first.message or first.outcome
    return f"{candidate.verdict}; {first.id}: {message[:OUTCOME_MESSAGE_CHARS]}"


def _fingerprint(source: str, is_python: bool) -> str:
    """The same program spelled differently (comments, spacing) has one fingerprint."""
    try:
        text = ast.dump(syntax_tree(source)) if is_python else ""
    except (SyntaxError, ValueError):  # the current file may not parse yet
        text = ""
    return hashlib.sha256((text or " ".join(source.split())).encode()).hexdigest()


def _new_source(loss: Loss, edit_format: str, reply: str) -> str:
    x = loss.variable
    if edit_format == "udiff":
        return patch.apply_diff(x.value, patch.extract_diff(reply), x.name)
    code = patch.extract_code(reply, patch.fence_langs(x.name))
    code = with_lost_indentation_restored(code) if x.is_python else code
    return scope.splice(x.value, code, excerpt.failure_targets(loss)) if edit_format == "function" else code


def _selected_tests(loss: Loss, source: str) -> frozenset[str] | None:
    """The tests to run a candidate on first (None: the whole suite at once): those that executed the
    target definitions or those the candidate changes, and those that failed. Only on a large suite
    with coverage, and only when they are few enough to pay for a second test run."""
    before = loss.report
    failing = frozenset(case.id for case in before.failures)
    if len(before.scored) < SELECTION_MIN_TESTS or not loss.coverage or any(i.startswith("<") for i in failing):
        return None
    changed_lines = _changed_lines(loss.variable.value, source)
    changed = scope.targets(loss.variable.value, changed_lines, max_targets=len(changed_lines))
    lines = [line for target in excerpt.failure_targets(loss) + changed for line in range(target.start, target.end + 1)]
    selected = failing.union(*(loss.coverage.get(line, ()) for line in lines)) - before.flaky
    return selected if len(selected) <= SELECTION_MAX_SHARE * len(before.scored) else None


def _changed_lines(old: str, new: str) -> list[int]:
    """The lines of old (from 1) that new changes, with the line on each side (an insertion changes none)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    return [line for tag, start, end, _, _ in matcher.get_opcodes() if tag != "equal"
            for line in range(max(start, 1), end + 2)]


def _unfit_python(old: str, new: str, report: TestReport) -> str:
    """Why a proposed Python file cannot be right before any test runs, or "": it does not parse, or
    it drops a name the file defined (whole-file answers silently lose code no test covers) without
    adding one the failing tests ask for (a rename they demand)."""
    try:
        compile(new, "<answer>", "exec", dont_inherit=True)  # ast.parse takes a `return` outside a function
    except SyntaxError as error:
        return f"syntax error line {error.lineno}: {error.msg}"
    except ValueError as error:  # e.g. a lone surrogate, which cannot be encoded
        return f"invalid source: {error}"
    try:
        before, after = defined_names(old), defined_names(new)
    except SyntaxError:  # the file does not parse yet: any parsing answer is progress
        return ""
    dropped = sorted(before - after)
    asked = " ".join(f"{case.message}\n{case.traceback}" for case in report.failures)
    demanded = any(re.search(rf"\b{re.escape(name.rsplit('.', 1)[-1])}\b", asked) for name in after - before)
    if dropped and not demanded:
        return f"removes {', '.join(dropped[:3])}: keep every name the file defines"
    return ""


def _as_the_file_was(x: Variable, new: str) -> str:
    """new as x was in what a model's answer loses: the final newline (or its absence) and, in Python,
    the encoding declaration."""
    new = _keep_final_newline(x.value, new)
    return _keep_encoding_declaration(x.value, new) if x.is_python else new
def _dropped_imports(old: str, new: str, x: Variable) -> str:
    """Why a proposal that parses cannot be right: it deletes the import of a third-party module, which
    makes a test pass only where that module is missing (the environment's problem, not the file's)."""
    try:
        dropped = sorted(name for name in _imported(old) - _imported(new)
                         if not is_project_module(name, x.path.parent) and is_third_party(name, x.root))
    except SyntaxError:  # the file does not parse yet
        return ""
    if dropped:
        return f"removes the import of {', '.join(dropped[:3])}: keep every import of a third-party module"
    return ""


def _imported(source: str) -> set[str]:
    """The top-level modules a file imports (relative imports are the project's own)."""
    names = set()
    for node in ast.walk(syntax_tree(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _keep_final_newline(old: str, new: str) -> str:
    if old.endswith("\n") and not new.endswith("\n"):
        return new + "\n"
    if old and not old.endswith("\n"):
        return new.removesuffix("\n")
    return new


def _keep_encoding_declaration(old: str, new: str) -> str:
    """new with old's PEP 263 declaration (`# -*- coding: latin-1 -*-`) back if the answer dropped it:
    without it Python reads the file as UTF-8."""
    declared = [line for line in patch.split_lines(old)[:2] if CODING_DECLARATION.match(line)]
    lines = patch.split_lines(new)
    if not declared or any(CODING_DECLARATION.match(line) for line in lines[:2]):
        return new
    at = 1 if lines and lines[0].startswith("#!") else 0
    return "".join(lines[:at] + declared + lines[at:])


def _unwritable(x: Variable, source: str) -> str:
    """Why source cannot be written in the file's encoding, or ""."""
    try:
        x.encoded(source)
    except UnicodeEncodeError as error:
        return f"{error.object[error.start:error.end]!r} cannot be written in {x.form.encoding}, the file's encoding"
    return ""
