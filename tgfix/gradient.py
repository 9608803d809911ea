"""Backward: an LLM turns the loss into a textual gradient, a critique of the file with no code in it.

Failures with different causes get one critique each (a single critique covering many
criteria dilutes); the critiques are then concatenated, as TextGrad aggregates gradients.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tgfix import prompts

if TYPE_CHECKING:
    from tgfix.llm import LLM
    from tgfix.loss import Loss

MAX_CLUSTERS = 3
CRITIQUE_TOKENS = 512  # a critique is prose; an uncapped one can run for minutes on a small CPU model


@dataclass(frozen=True)
class Gradient:
    text: str
    loss: "Loss"
    from_critic: bool = True  # False: the raw loss stands in for a critique (ablation)


def backward(loss: "Loss", engine: "LLM") -> Gradient:
    clusters = failure_clusters(loss)
    critiques = [_critique(loss, engine, failures) for failures in clusters]
    if len(critiques) == 1:
        return Gradient(critiques[0], loss)
    text = "\n\n".join(f"Critique {n} of {len(critiques)}:\n{c}" for n, c in enumerate(critiques, 1))
    return Gradient(text, loss)


def _critique(loss: "Loss", engine: "LLM", failures) -> str:
    x = loss.variable
    prompt = prompts.GRADIENT.substitute(
        name=x.name, role=x.role, problem=loss.problem_block(), numbered_file=x.numbered(),
        loss=loss.text(failures), memory=memory_block(x.memory))
    reply = engine([{"role": "system", "content": prompts.GRADIENT_SYSTEM},
                    {"role": "user", "content": prompt}], max_tokens=CRITIQUE_TOKENS)
    return _without_repeats(reply.text)


def _without_repeats(text: str) -> str:
    """A small model at temperature 0 can loop, repeating paragraphs until cut off: keep each once."""
    return "\n\n".join(dict.fromkeys(p.strip() for p in text.split("\n\n") if p.strip()))


def failure_clusters(loss: "Loss") -> list[tuple]:
    """Group failures by where they point in the file; largest group first, at most MAX_CLUSTERS."""
    groups = defaultdict(list)
    for case in loss.report.failures:
        groups[_failure_site(case, loss)].append(case)
    ranked = sorted(groups.values(), key=len, reverse=True)
    if len(ranked) <= MAX_CLUSTERS:
        return [tuple(g) for g in ranked]
    rest = tuple(case for group in ranked[MAX_CLUSTERS - 1:] for case in group)
    return [tuple(g) for g in ranked[:MAX_CLUSTERS - 1]] + [rest]


def _failure_site(case, loss: "Loss") -> str:
    """The file's line in the traceback, else the most suspicious line the test ran, else the error type."""
    sites = re.findall(rf"(?:^|\s){re.escape(loss.variable.name)}:(\d+)", case.traceback, re.MULTILINE)
    if sites:
        return f"line {sites[-1]}"
    executed = [s.number for s in loss.suspicious if case.id in loss.coverage.get(s.number, ())]
    if executed:
        return f"line {executed[0]}"
    return case.message.split(":")[0]


def memory_block(memory) -> str:
    if not memory:
        return ""
    attempts = "\n\n".join(
        prompts.ATTEMPT.substitute(number=n, verdict="accepted" if a.accepted else "rejected",
                                   outcome=a.outcome, diff=a.diff)
        for n, a in enumerate(memory, 1))
    return prompts.MEMORY.substitute(attempts=attempts)
