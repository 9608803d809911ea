"""The JSON report: every iteration and candidate, with the schema, the model, timestamps and scores."""

import json

import pytest

from conftest import BUGGY_STATS, FIXED_STATS, cli, fenced
from tgfix.report import SCHEMA

CRITIQUE = "The code fails test_largest because line 8 keeps the smaller value; it must keep the larger one."
REGRESSION = FIXED_STATS.replace("sum(xs) / len(xs)", "sum(xs) / len(xs) + 1")  # fixes largest, breaks mean
NO_GAIN = BUGGY_STATS + "\n\ndef smallest(xs):\n    return min(xs)\n"
# Two candidates per step, each iteration a critique first: every kind of candidate once.
REPLIES = [CRITIQUE, "no code here", fenced(REGRESSION), CRITIQUE, fenced(NO_GAIN), fenced(FIXED_STATS)]


@pytest.fixture
def solved(project, scripted, monkeypatch):
    """Run a scripted solve with the report at `name`; the report's path."""
    monkeypatch.chdir(project)

    def run(name: str):
        scripted.extend(REPLIES)
        result = cli("solve", "stats.py", "--candidates", "2", "--max-iters", "2", "--model", "openai/scripted",
                     "--report", name)
        assert result.exit_code == 0, result.output
        return project / name
    return run


def test_report_holds_every_iteration_and_candidate(solved, scripted):
    report = json.loads(solved("run.json").read_text())
    assert report["schema"] == SCHEMA and report["command"] == "solve" and report["model"] == "openai/scripted"
    assert report["tgfix"] and report["started"].endswith("+00:00") and report["started"] <= report["finished"]
    iterations = report["iterations"]
    assert [it["number"] for it in iterations] == [1, 2]
    critiques = sum(it["gradient"] is not None for it in iterations)
    candidates = [c for it in iterations for c in it["candidates"]]
    assert critiques == 2 and len(candidates) == len(scripted.requests) - critiques == 4
    assert {c["reply"]["text"] for c in candidates} == set(REPLIES) - {CRITIQUE}
    start, end = report["initial"]["stats.py"]["tests"], report["final"]["stats.py"]["tests"]
    assert (start["passed"], start["total"], start["score"]) == (2, 4, "2/4")
    assert (end["passed"], end["total"], end["score"]) == (4, 4, "4/4")
    assert all(c["tests"]["passed"] <= c["tests"]["total"] == 4 for c in candidates if c["tests"])
    assert report["time"]["total"] > 0 and report["time"]["tests"] > 0
