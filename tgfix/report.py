"""`--report run.json`: the whole trajectory, every loss, gradient, proposal, diff, outcome and cost."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

from tgfix.config import Settings
from tgfix.loss import Loss
from tgfix.runner import TestReport

if TYPE_CHECKING:  # these import litellm (seconds): the hook's passing path must not pay for it
    from tgfix.loop import Iteration
    from tgfix.optimizer import Candidate
    from tgfix.session import Run


def write_report(run: Run, settings: Settings, path: Path) -> None:
    path.write_text(json.dumps(trajectory(run, settings), indent=2) + "\n")


def trajectory(run: Run, settings: Settings) -> dict:
    return {
        "settings": settings.model_dump(mode="json", exclude={"api_key"}),
        "initial": {loss.variable.name: _loss(loss) for loss in run.initial},
        "iterations": [_iteration(i) for i in run.iterations],
        "final": {loss.variable.name: _loss(loss) for loss in run.final},
        "stop_reason": run.stop_reason,
        "exit_code": int(run.exit_code),
        "diff": run.diff(),
        "usage": {f.name: getattr(run.usage, f.name) for f in dataclasses.fields(run.usage) if f.compare},
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


def _loss(loss: Loss) -> dict:
    return {"tests": _report(loss.report), "text": loss.text() if not loss.passed else "",
            "suspicious_lines": [dataclasses.asdict(s) for s in loss.suspicious]}


def _report(report: TestReport) -> dict:
    return {"score": report.score, "seconds": round(report.seconds, 3), "timed_out": report.timed_out,
            "cases": [dataclasses.asdict(c) for c in report.cases]}
