"""`--report run.json`: the whole trajectory, every loss, gradient, proposal, diff, outcome and cost.

A path ending in .html gets the report page (tgfix/page.py) instead of the JSON.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from tgfix import __version__
from tgfix.config import Settings
from tgfix.files import write_atomically
from tgfix.loss import Loss
from tgfix.runner import TestReport

if TYPE_CHECKING:  # these import litellm (seconds): the hook's passing path must not pay for it
    from tgfix.loop import Iteration
    from tgfix.optimizer import Candidate
    from tgfix.session import Run

SCHEMA = 1  # raise it when a key changes meaning or goes away; the page reads only this schema


def write_report(run: Run, settings: Settings, path: Path, command: str) -> None:
    data = trajectory(run, settings, command)
    if path.suffix == ".html":
        from tgfix.page import render  # Jinja2 and Pygments: only for the page

        write_atomically(path, render(data))
    else:
        write_atomically(path, json.dumps(data, indent=2) + "\n")


def trajectory(run: Run, settings: Settings, command: str) -> dict:
    prompts = {"prompts": run.usage.prompts} if settings.report_prompts else {}  # sha256 -> the messages sent
    return {
        "schema": SCHEMA, "tgfix": __version__, "command": command, "model": run.model,
        "started": _timestamp(run.started), "finished": _timestamp(run.finished),
        "settings": settings.model_dump(mode="json", exclude={"api_key"}),
        "initial": {_name(loss): _loss(loss) for loss in run.initial},
        "iterations": [_iteration(i) for i in run.iterations],
        "final": {_name(loss): _loss(loss) for loss in run.final},
        "stop_reason": run.stop_reason,
        "flaky": sorted(run.final[0].report.flaky),
        "exit_code": int(run.exit_code),
        "diff": run.diff(),
        "usage": {f.name: getattr(run.usage, f.name) for f in dataclasses.fields(run.usage) if f.compare},
        "time": _time(run),
        **prompts,
    }


def _iteration(it: Iteration) -> dict:
    return {
        "number": it.number, "file": it.file, "loss": _loss(it.loss), "gradient": it.gradient,
        "accepted": it.step.accepted, "reason": it.step.reason, "diff": it.step.diff, "commit": it.commit,
        "candidates": [_candidate(c) for c in it.step.candidates],
        "seconds": round(it.seconds, 3), "calls": it.calls, "tokens": it.tokens, "cost": it.cost,
    }


def _candidate(candidate: Candidate) -> dict:
    proposal, reply = candidate.proposal, candidate.proposal.reply
    return {
        "edit_format": proposal.edit_format, "diff": proposal.diff, "error": proposal.error,
        "verdict": candidate.verdict, "accepted": candidate.accepted,
        "tests": _report(candidate.report) if candidate.report else None,
        "reply": dataclasses.asdict(reply) if reply else None,
    }


def _name(loss: Loss) -> str:
    return loss.variable.name if loss.variable else ""  # no file: solve without FILES found nothing failing


def _loss(loss: Loss) -> dict:
    return {"tests": _report(loss.report), "text": loss.text() if not loss.passed else "",
            "suspicious_lines": [dataclasses.asdict(s) for s in loss.suspicious]}


def _report(report: TestReport) -> dict:
    timing = getattr(report, "timing", None)  # polish's TimedReport, when every test passed
    return {"score": report.score, "passed": len(report.passed), "total": len(report.scored),
            "flaky": sorted(report.flaky), "seconds": round(report.seconds, 3), "timed_out": report.timed_out,
            "cases": [dataclasses.asdict(c) for c in report.cases],
            **({"timing": {"median": timing.median, "spread": timing.spread, "samples": list(timing.samples),
                           "repeats_seconds": round(timing.repeats_seconds, 3)}} if timing else {})}


def _time(run: Run) -> dict:
    """Wall clock of the run, and the seconds spent in the model and in the tests (each run counted once)."""
    total = (run.finished - run.started).total_seconds() if run.started and run.finished else 0.0
    tests = sum(_run_seconds(report) for report in _test_runs(run))
    return {"total": round(total, 3), "model": round(run.usage.seconds, 3), "tests": round(tests, 3)}


def _test_runs(run: Run) -> Iterable[TestReport]:
    """Every test run of the run, once: a source tested again reuses the same report object."""
    reports = [loss.report for loss in run.initial + run.final]
    for it in run.iterations:
        reports += [it.loss.report] + [c.report for c in it.step.candidates if c.report]
    return {id(report): report for report in reports}.values()


def _run_seconds(report: TestReport) -> float:
    timing = getattr(report, "timing", None)  # polish's TimedReport: its timing repeats ran too
    return report.seconds + (timing.repeats_seconds if timing else 0.0)


def _timestamp(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
