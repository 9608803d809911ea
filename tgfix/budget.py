"""What a run may spend: a deadline, a cap on model calls, a cap on cost.

A command builds one Budget from its settings and passes it to whatever spends it: the
loop (no step starts past the deadline, the cost is checked between iterations) and each
engine (no call past the call cap or the deadline, and a call under way ends at the deadline).
What was spent is kept apart, in the engines' Usage.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from tgfix.errors import TgfixError


class BudgetSpent(TgfixError):
    """The call cap is reached, or the deadline passed: no further model call is made."""


@dataclass(frozen=True)
class Budget:
    deadline: float | None = None  # time.monotonic(): no step starts after it, and a model call under way ends there
    max_calls: int | None = None   # model answers (the benchmark compares methods at equal calls)
    max_cost: float | None = None  # USD, checked between iterations
    seconds: float | None = None   # the time budget the deadline was set from, for the stop reason

    @classmethod
    def from_now(cls, seconds: float | None, *, max_calls: int | None = None,
                 max_cost: float | None = None) -> Budget:
        """A budget whose deadline is `seconds` from now (None: no deadline)."""
        return cls(time.monotonic() + seconds if seconds else None, max_calls, max_cost, seconds)

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    @property
    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    @property
    def time_spent(self) -> str:
        """The stop reason once the deadline has passed."""
        return f"time budget ({self.seconds:g} s) spent" if self.seconds else "time budget spent"

    def answers(self, wanted: int, made: int) -> int:
        """How many of `wanted` model answers may be asked for now, `made` calls into the run (fewer
        when the call cap has less left); BudgetSpent when none may."""
        if self.max_calls is not None:
            wanted = min(wanted, self.max_calls - made)
            if wanted <= 0:
                raise BudgetSpent(f"call budget ({self.max_calls}) spent")
        if self.out_of_time:
            raise BudgetSpent("time budget spent")
        return wanted
