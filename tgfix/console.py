"""Everything tgfix prints goes through here: a spinner while the model thinks, a line per
iteration, the diff (stdout) and the summary (stderr)."""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from typing import TYPE_CHECKING, Sequence

import click

if TYPE_CHECKING:  # these import litellm (seconds): the hook's passing path must not pay for it
    from tgfix.loop import Iteration
    from tgfix.loss import Loss
    from tgfix.session import Run


def echo(text: str, *, err: bool = True, nl: bool = True) -> None:
    click.echo(text, err=err, nl=nl)


def error(message: str) -> None:
    echo(f"tgfix: error: {message}")


def warning(message: str) -> None:
    echo(f"tgfix: warning: {message}")


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.1f} ms"


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
        self._clear()

    def say(self, text: str, *, level: int = 0) -> None:
        if self.verbosity >= level:
            self._clear()
            click.echo(text, file=self.stream)

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
                 f"({plural(it.calls, 'call')}, {plural(it.tokens, 'token')}, ${it.cost:.4f}, {it.seconds:.1f} s)")
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
                line = f"{frame} {self._status} ({time.monotonic() - self._since:.0f} s)"
                self.stream.write("\r" + line[:100].ljust(100))
                self.stream.flush()

    def _clear(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


def result(run: Run, verbosity: int, as_json: bool = False) -> None:
    """The end of a run: the whole diff (or, with --json, the summary as one object) on stdout, for
    piping; the summary in words on stderr."""
    diff = run.diff()
    if as_json:
        echo(json.dumps(summary_data(run)), err=False)
    elif diff and verbosity >= 0:
        echo(diff, err=False, nl=False)
    echo(summary(run))


def summary_data(run: Run) -> dict:
    end = run.final[0].report
    start = run.initial[0].report.excluding(end.flaky)  # scored alike: what was found flaky later too
    usage = run.usage
    return {"files": [x.name for x in run.variables], "exit_code": int(run.exit_code), "stop_reason": run.stop_reason,
            "tests": {"start": {"passed": len(start.passed), "total": len(start.scored)},
                      "end": {"passed": len(end.passed), "total": len(end.scored)}},
            "flaky": sorted(end.flaky),
            "iterations": run.iteration_count, "steps": len(run.iterations),
            "accepted": sum(i.step.accepted for i in run.iterations),
            "written": run.written, "committed": run.committed, "diff": run.diff(),
            "model_calls": usage.calls, "cut_off_calls": usage.cut_off, "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens, "cost": usage.cost, "model_seconds": round(usage.seconds, 3),
            **({"localized": [{"file": f.name, "score": f.score, "evidence": f.evidence} for f in run.localized]}
               if run.localized else {})}


def failure_data(run: Run | None, files: Sequence[str], exit_code: int, message: str) -> dict:
    """The --json object of a run that ended in an error: the summary of what it did before (if it got
    as far as its first test run), the exit code and the error."""
    done = summary_data(run) if run else {"files": list(files), "written": False, "committed": False}
    return {**done, "exit_code": exit_code, "error": message}


def summary(run: Run) -> str:
    usage = run.usage
    flaky = run.final[0].report.flaky
    start, end = run.initial[0].report.excluding(flaky).score, run.final[0].report.score
    accepted = sum(i.step.accepted for i in run.iterations)
    where = ("committed" if run.commits else "written to the file (not committed)" if run.writes
             else "not written (--dry-run)")
    return "\n".join([
        f"tests {start} -> {end}: {run.stop_reason}.",
        *([f"Flaky, excluded from the score: {', '.join(sorted(flaky))} (the outcome changed on the same source)."]
          if flaky else []),
        f"{_iterations(run)}, {accepted} accepted and {where}; "
        f"{plural(usage.calls + usage.cut_off, 'model call')} ({usage.cached_calls} cached{_cut_off(usage)}), "
        f"{usage.prompt_tokens:,} prompt + "
        f"{usage.completion_tokens:,} completion tokens, ${usage.cost:.4f}, {usage.seconds:.0f} s in the model."])


def _iterations(run: Run) -> str:
    """The iterations the budget counts, and with several FILEs the steps they made (one a file)."""
    count = plural(run.iteration_count, "iteration")
    if len(run.variables) <= 1:
        return count
    return f"{count} ({plural(len(run.iterations), 'step')} over {len(run.variables)} files)"


def _cut_off(usage) -> str:
    return f", {usage.cut_off} cut off by the time budget" if usage.cut_off else ""


def _after(it: Iteration) -> str:
    tested = [c.report for c in it.step.candidates if c.report is not None]
    if not tested:
        return "-"
    return max(tested, key=lambda r: len(r.passed)).score


def _indent(text: str, spaces: int = 4) -> str:
    return text.strip().replace("\n", "\n" + " " * spaces)
