"""What the user reads while tgfix runs: a spinner while the model thinks, one line per iteration, a summary."""

from __future__ import annotations

import itertools
import sys
import threading
import time
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # solve imports litellm (seconds): the hook's passing path must not pay for it
    from tgfix.solve import Iteration, Run


class Console:
    """Receives the engine's events and prints them at the chosen verbosity (-1 quiet, 0 normal, 1+ verbose)."""

    def __init__(self, verbosity: int = 0, stream=None):
        self.verbosity = verbosity
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() and verbosity >= 0
        self._status = ""
        self._since = time.monotonic()
        self._stop = threading.Event()
        self._spinner = threading.Thread(target=self._spin, daemon=True) if self.live else None

    def __enter__(self) -> "Console":
        if self._spinner:
            self._spinner.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._spinner:
            self._spinner.join()
        self._clear()

    def __call__(self, kind: str, payload) -> None:
        if kind == "status":
            self._status, self._since = payload, time.monotonic()
            if not self.live and self.verbosity >= 1:
                self.say(f"... {payload}")
        elif kind == "start":
            self._start(payload)
        elif kind == "iteration":
            self._iteration(payload)

    def say(self, text: str, *, level: int = 0) -> None:
        if self.verbosity >= level:
            self._clear()
            click.echo(text, file=self.stream)

    def _start(self, run: Run) -> None:
        for name, loss in run.initial.items():
            self.say(f"{name}: tests {loss.report.score} pass at start ({loss.report.seconds:.1f} s)")
            if loss.report.note:
                self.say(f"    {loss.report.note}", level=1)
            if self.verbosity >= 1 and not loss.passed:
                self.say(loss.text(), level=1)

    def _iteration(self, it: Iteration) -> None:
        step = it.step
        verdict = "accepted" if step.accepted else f"rejected: {step.reason}"
        self.say(f"[{it.number}] {it.file}  tests {step.before.score} -> {_after(it)}  {verdict}  "
                 f"({it.calls} calls, {it.tokens:,} tokens, ${it.cost:.4f}, {it.seconds:.1f} s)")
        self.say(f"    gradient: {_indent(it.gradient)}", level=1)
        for candidate in step.candidates:
            detail = candidate.proposal.diff or candidate.proposal.error
            self.say(f"    candidate ({candidate.verdict}):\n{_indent(detail, 6)}", level=2)

    def _spin(self) -> None:
        for frame in itertools.cycle("|/-\\"):
            if self._stop.wait(0.25):
                return
            if self._status:
                line = f"{frame} {self._status} ({time.monotonic() - self._since:.0f} s)"
                self.stream.write("\r" + line[:100].ljust(100))
                self.stream.flush()

    def _clear(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


def summary(run: Run) -> str:
    ledger = run.ledger
    start = ", ".join(f"{loss.report.score}" for loss in run.initial.values())
    end = run.final.report.score if run.final else start
    accepted = sum(i.step.accepted for i in run.iterations)
    where = "committed" if run.committed else "written to the file (not committed)"
    lines = [f"tests {start} -> {end}: {run.stop_reason}.",
             f"{len(run.iterations)} iterations, {accepted} accepted and {where}; {ledger.calls} model calls "
             f"({ledger.cached_calls} cached), {ledger.prompt_tokens:,} prompt + {ledger.completion_tokens:,} "
             f"completion tokens, ${ledger.cost:.4f}, {ledger.seconds:.0f} s in the model."]
    return "\n".join(lines)


def _after(it: Iteration) -> str:
    tested = [c.report for c in it.step.candidates if c.report is not None]
    if not tested:
        return "-"
    return max(tested, key=lambda r: len(r.passed)).score


def _indent(text: str, spaces: int = 4) -> str:
    return text.strip().replace("\n", "\n" + " " * spaces)
