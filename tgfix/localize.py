"""Fault localization: rank the lines of the file by how strongly failing tests point at them (Ochiai)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SuspiciousLine:
    number: int
    score: float
    text: str


def ochiai(executed_by: set[str] | frozenset[str], failing: frozenset[str]) -> float:
    """ef / sqrt(total_failing * (ef + ep)): 1.0 for a line run by every failing test and no passing one."""
    failed_here = len(executed_by & failing)
    if not failed_here:
        return 0.0
    return failed_here / math.sqrt(len(failing) * len(executed_by))


def rank_lines(coverage: dict[int, frozenset[str]], failing: frozenset[str], source: str,
               top: int = 8) -> tuple[SuspiciousLine, ...]:
    lines = source.splitlines()
    scored = [SuspiciousLine(number, round(ochiai(tests, failing), 2), lines[number - 1].strip())
              for number, tests in coverage.items() if 0 < number <= len(lines)]
    ranked = sorted((s for s in scored if s.score > 0), key=lambda s: (-s.score, s.number))
    return tuple(ranked[:top])
