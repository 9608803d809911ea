"""Everything tgfix prints goes through here: a spinner while the model thinks, a line per
iteration, the diff (stdout) and the summary (stderr). The words are this module's; the numbers are
written by tgfix/formatting.py and the facts of a run's end are session.Run.summary()'s."""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from typing import TYPE_CHECKING, Sequence

import click

from tgfix.formatting import number, plural, usd

if TYPE_CHECKING:  # these import litellm (seconds): the hook's passing path must not pay for it
    from tgfix.loop import Iteration
    from tgfix.loss import Loss
    from tgfix.session import Summary

STATUS_WIDTH = 100  # columns of the spinner's line


class _Terminal:
    """What tgfix writes, one line at a time: a spinner frame never lands inside a line (one lock for
    every write), and the frame shown when a line comes is cleared first, so the line starts clean."""

    def __init__(self):
        self.lock = threading.RLock()
        self._frame_on = None  # the stream a spinner frame shows on now

    def line(self, text: str, *, file=None, err: bool = True, nl: bool = True) -> None:
        with self.lock:
            self.clear()
            click.echo(text, file=file, err=err, nl=nl)

    def frame(self, text: str, stream) -> None:
        with self.lock:
            stream.write("\r" + text[:STATUS_WIDTH].ljust(STATUS_WIDTH))
            stream.flush()
            self._frame_on = stream

    def clear(self) -> None:
        with self.lock:
            if self._frame_on:
                self._frame_on.write("\r" + " " * STATUS_WIDTH + "\r")
                self._frame_on.flush()
                self._frame_on = None


_TERMINAL = _Terminal()


def echo(text: str, *, err: bool = True, nl: bool = True) -> None:
    _TERMINAL.line(text, err=err, nl=nl)


def error(message: str) -> None:
    echo(f"tgfix: error: {message}")


def warning(message: str) -> None:
    echo(f"tgfix: warning: {message}")


class Console:
    """The loop's Reporter for a terminal, at the chosen verbosity (-1 quiet, 0 normal, 1+ verbose)."""

    def __init__(self, verbosity: int = 0, stream=None):
        self.verbosity = verbosity
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() and verbosity >= 0
        self._status = ""
        self._running = False  # the first test run is done: the loop is under way
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
        _TERMINAL.clear()

    def say(self, text: str, *, level: int = 0) -> None:
        if self.verbosity >= level:
            _TERMINAL.line(text, file=self.stream)

    def status(self, text: str) -> None:
        """Shown by the spinner on a terminal; elsewhere (a log, CI) as a line of its own once the run has
        started (with -v from the first), so that an error in the setup stays one line."""
        self._status, self._since = text, time.monotonic()
        if not self.live and (self._running or self.verbosity >= 1):
            self.say(f"... {text}")

    def started(self, losses: Sequence[Loss]) -> None:
        self._running = True
        report = losses[0].report
        names = ", ".join(loss.variable.name for loss in losses)
        self.say(f"{names}: tests {report.score} pass at start ({report.seconds:.1f} s)")
        if report.flaky:
            self.say(f"    flaky, excluded from the score: {', '.join(sorted(report.flaky))} (the outcome changed "
                     f"on a rerun of the unchanged {names})")
        if report.note:
            self.say(f"    {report.note}", level=1)
        if self.verbosity >= 1 and not losses[0].passed:
            for loss in losses:
                self.say(loss.text(), level=1)

    def iteration(self, it: Iteration) -> None:
        step = it.step
        verdict = "accepted" if step.accepted else f"rejected: {step.reason}"
        self.say(f"[{it.number}] {it.file}  tests {step.before.score} -> {_after(it)}  {verdict}  "
                 f"({plural(it.calls, 'call')}, {plural(it.tokens, 'token')}, {usd(it.cost)}, {it.seconds:.1f} s)")
        read = f"critique: {_indent(it.gradient)}" if it.gradient else "read the test results (no critique)"
        self.say(f"    {read}", level=1)
        for candidate in step.candidates:
            detail = candidate.proposal.diff or candidate.proposal.error
            self.say(f"    candidate ({candidate.verdict}):\n{_indent(detail, 6)}", level=2)

    def _spin(self) -> None:
        for frame in itertools.cycle("|/-\\"):
            if self._stop.wait(0.25):
                return
            if self._status:
                _TERMINAL.frame(f"{frame} {self._status} ({time.monotonic() - self._since:.0f} s)", self.stream)


def result(summary: Summary, verbosity: int, as_json: bool = False, notes: Sequence[str] = ()) -> None:
    """The end of a run: the whole diff (or, with --json, the summary as one object) on stdout, for
    piping; the summary in words on stderr, then the command's notes (polish: the time before and after)."""
    if as_json:
        echo(json.dumps(summary_data(summary)), err=False)
    elif summary.diff and verbosity >= 0:
        echo(summary.diff, err=False, nl=False)
    echo("\n".join([summary_text(summary), *notes]))


def summary_data(summary: Summary) -> dict:
    """The --json object of a run."""
    return {"files": list(summary.files), "exit_code": int(summary.exit_code), "stop_reason": summary.stop_reason,
            "tests": {"start": {"passed": summary.start.passed, "total": summary.start.total},
                      "end": {"passed": summary.end.passed, "total": summary.end.total}},
            "flaky": list(summary.flaky), "iterations": summary.iterations, "steps": summary.steps,
            "accepted": summary.accepted, "written": summary.written, "committed": summary.committed,
            "diff": summary.diff, "model_calls": summary.model_calls, "cut_off_calls": summary.cut_off_calls,
            "prompt_tokens": summary.prompt_tokens, "completion_tokens": summary.completion_tokens,
            "cost": summary.cost, "model_seconds": summary.model_seconds,
            **({"localized": [{"file": f.name, "score": f.score, "evidence": f.evidence} for f in summary.localized]}
               if summary.localized else {})}


def failure_data(summary: Summary | None, files: Sequence[str], exit_code: int, message: str) -> dict:
    """The --json object of a run that ended in an error: the summary of what it did before (if it got
    as far as its first test run), the exit code and the error."""
    done = summary_data(summary) if summary else {"files": list(files), "written": False, "committed": False}
    return {**done, "exit_code": exit_code, "error": message}


def summary_text(summary: Summary) -> str:
    where = ("committed" if summary.commits else "written to the file (not committed)" if summary.writes
             else "not written (--dry-run)")
    return "\n".join([
        f"tests {summary.start.score} -> {summary.end.score}: {summary.stop_reason}.",
        *([f"Flaky, excluded from the score: {', '.join(summary.flaky)} (the outcome changed on the same source)."]
          if summary.flaky else []),
        f"{_iterations(summary)}, {summary.accepted} accepted and {where}; "
        f"{plural(summary.model_calls + summary.cut_off_calls, 'model call')} ({summary.cached_calls} cached"
        f"{_cut_off(summary)}), {number(summary.prompt_tokens)} prompt + {number(summary.completion_tokens)} "
        f"completion tokens, {usd(summary.cost)}, {summary.model_seconds:.0f} s in the model."])


def _iterations(summary: Summary) -> str:
    """The iterations the budget counts, and with several FILEs the steps they made (one a file)."""
    count = plural(summary.iterations, "iteration")
    if len(summary.files) <= 1:
        return count
    return f"{count} ({plural(summary.steps, 'step')} over {len(summary.files)} files)"


def _cut_off(summary: Summary) -> str:
    return f", {summary.cut_off_calls} cut off by the time budget" if summary.cut_off_calls else ""


def _after(it: Iteration) -> str:
    tested = [c.report for c in it.step.candidates if c.report is not None]
    if not tested:
        return "-"
    return max(tested, key=lambda r: len(r.passed)).score


def _indent(text: str, spaces: int = 4) -> str:
    return text.strip().replace("\n", "\n" + " " * spaces)
