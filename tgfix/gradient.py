"""Backward: an LLM turns the loss into a textual gradient, a critique of the file with no code in it
(what code the LLM writes anyway is cut out).

Failures with different causes get one critique each (a single critique covering many
criteria dilutes); the critiques are then concatenated, as TextGrad aggregates gradients.
The loss function supplies the prompt: a repair critique for tests, a speed one for polish.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from tgfix import excerpt, prompts
from tgfix.loss import Loss
from tgfix.runner import TestCase

if TYPE_CHECKING:
    from tgfix.llm import LLM

MAX_CLUSTERS = 3
CODE_BLOCK = re.compile(r"```.*?(```|\Z)", re.S)
CRITIQUE_TOKENS = 512  # a critique is prose; an uncapped one can run for minutes on a small CPU model


def backward(loss: Loss, engine: LLM) -> str:
    """Write the textual gradient of the loss into its variable's grad, and return it."""
    critiques = [critique(loss, engine, failures) for failures in failure_clusters(loss)]
    if len(critiques) == 1:
        text = critiques[0]
    else:
        text = "\n\n".join(f"Critique {n} of {len(critiques)}:\n{c}" for n, c in enumerate(critiques, 1))
    loss.variable.grad = text
    return text


def critique(loss: Loss, engine: LLM, failures: tuple[TestCase, ...] | None) -> str:
    """One critique; of a large file, after the context every call of the run starts with (tgfix.excerpt)."""
    x = loss.variable
    context = excerpt.context(loss)
    messages = (prompts.SCOPED_CRITIQUE if context else loss.fn.critique).messages(
        context=context, name=x.name, role=x.role, problem=loss.problem_block(),
        numbered_file="" if context else x.numbered(), loss=loss.text(failures), memory=x.memory.render())
    return without_repeats(without_code(engine(messages, max_tokens=CRITIQUE_TOKENS).text))


def without_code(text: str) -> str:
    """The critique without its code blocks (one cut off at the end too). Told not to, a small critic
    still writes code, and the step copies it: in the polish benchmark, pair_count's critique held
    one broken program, and the step returned it four times, asked for other techniques or not."""
    return CODE_BLOCK.sub("", text).strip()


def without_repeats(text: str) -> str:
    """A small model at temperature 0 can loop, repeating paragraphs until cut off: keep each once."""
    return "\n\n".join(dict.fromkeys(p.strip() for p in text.split("\n\n") if p.strip()))


def failure_clusters(loss: Loss) -> list[tuple[TestCase, ...] | None]:
    """Group failures by where they point in the file; largest group first, at most MAX_CLUSTERS.
    A loss without failures (polish's) is critiqued whole: [None]."""
    groups = defaultdict(list)
    for case in loss.report.failures:
        groups[_failure_site(case, loss)].append(case)
    if not groups:
        return [None]
    ranked = sorted(groups.values(), key=len, reverse=True)
    if len(ranked) <= MAX_CLUSTERS:
        return [tuple(g) for g in ranked]
    rest = tuple(case for group in ranked[MAX_CLUSTERS - 1:] for case in group)
    return [tuple(g) for g in ranked[:MAX_CLUSTERS - 1]] + [rest]


def _failure_site(case: TestCase, loss: Loss) -> str:
    """The file's line in the traceback, else the most suspicious line the test ran, else the error type."""
    sites = loss.lines_traced(case)
    if sites:
        return f"line {sites[-1]}"
    executed = [s.number for s in loss.suspicious if case.id in loss.coverage.get(s.number, ())]
    if executed:
        return f"line {executed[0]}"
    return case.message.split(":")[0]
