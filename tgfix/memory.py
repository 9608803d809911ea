"""The memory of attempts: what each step tried and what the tests said, shown to the next prompts."""

from __future__ import annotations

from dataclasses import dataclass

from tgfix import prompts

DIFF_LINES = 30  # of each attempt's diff: enough to recognise the idea, not to drown the prompt


@dataclass(frozen=True)
class Attempt:
    """A step this run tried: the change in brief and the outcome it got."""

    diff: str
    outcome: str
    accepted: bool


class Memory(list):
    """The latest attempts, oldest first."""

    def record(self, change: str, outcome: str, accepted: bool, keep: int) -> None:
        """Remember one attempt (its change cut to DIFF_LINES), keeping the latest `keep`."""
        if keep <= 0:
            return
        self.append(Attempt("\n".join(change.splitlines()[:DIFF_LINES]), outcome, accepted))
        del self[:-keep]

    def render(self) -> str:
        if not self:
            return ""
        attempts = "\n\n".join(
            prompts.ATTEMPT.substitute(number=n, verdict="accepted" if a.accepted else "rejected",
                                       outcome=a.outcome, diff=a.diff)
            for n, a in enumerate(self, 1))
        return prompts.MEMORY.substitute(attempts=attempts)
