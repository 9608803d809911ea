"""Flaky tests are not progress: a candidate's new passes are confirmed by a rerun, a suite that
disagrees with itself on the unchanged file is said to be flaky before any model call, and a
flaky test is out of the score, named in the summary and the report.

The flaky test is real: it counts its runs in a file outside the project (so outside every
sandbox copy) and fails on the runs its pattern names.
"""

import json
import sys

import git
import pytest

from conftest import cli, commit_all, fenced
from tgfix.runner import TestReport, TestSpec, run_tests

CALC = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"
NO_OP = CALC.replace("a + b", "b + a")
TESTS = '''\
from pathlib import Path

from calc import add, mul

RUNS = Path({runs!r})


def test_add():
    assert add(2, 3) == 5


def test_mul():
    assert mul(2, 3) == 6


def test_mul_zero():
    assert mul(7, 0) == 0


def test_flaky():
    run = len(RUNS.read_text()) + 1 if RUNS.exists() else 1
    RUNS.write_text("x" * run)
    assert {fails}, f"run {{run}}: the service was slow"
'''
FLAKY = "tests.test_calc.test_flaky"


def flaky_project(root, runs, fails: str):
    """calc.py (correct) and four tests, of which test_flaky fails when `fails` (of `run`, its 1-based
    run number) is false; committed in git."""
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text(CALC)
    (root / "tests" / "test_calc.py").write_text(TESTS.format(runs=str(runs), fails=fails))
    (root / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\ncache = false\ngradient = "never"\n')
    commit_all(root, "initial")
    return root


@pytest.fixture
def runs(tmp_path):
    return tmp_path / "flaky-runs"  # outside the project: every sandbox copy counts into it


def solve(*args):
    return cli("solve", *args, "--model", "openai/scripted")


@pytest.mark.slow
def test_a_no_op_edit_is_not_accepted_on_a_test_that_passed_by_chance(tmp_path, runs, scripted, monkeypatch):
    # Fails on odd runs: at the start (1), passes alone (2) but fails in the whole run that checks it (3),
    # passes on the no-op candidate (4), fails on the confirmation (5).
    project = flaky_project(tmp_path / "project", runs, "run % 2 == 0")
    monkeypatch.chdir(project)
    scripted += [fenced(NO_OP)]
    result = solve("calc.py", "--report", "run.json")
    assert (project / "calc.py").read_text() == CALC
    assert len(list(git.Repo(project).iter_commits())) == 1, "the no-op edit was committed"
    assert len(runs.read_text()) == 5  # the start, its checks, the candidate and its confirmation
    assert result.exit_code == 0, result.output
    assert "tests 3/4 pass at start" in result.stderr
    assert f"rejected: {FLAKY} failed on a rerun (flaky); no gain" in result.stderr
    assert "tests 3/3 (1 flaky excluded) -> 3/3 (1 flaky excluded): all tests pass." in result.stderr
    assert f"Flaky, excluded from the score: {FLAKY}" in result.stderr
    report = json.loads((project / "run.json").read_text())
    assert report["flaky"] == [FLAKY]
    candidate = report["iterations"][0]["candidates"][0]
    assert not candidate["accepted"] and candidate["tests"]["flaky"] == [FLAKY]
    assert candidate["tests"]["score"] == "3/3 (1 flaky excluded)" and candidate["tests"]["total"] == 3
    assert report["final"]["calc.py"]["tests"]["score"] == "3/3 (1 flaky excluded)"


@pytest.mark.slow
def test_a_suite_that_disagrees_with_itself_at_the_start_is_flaky_before_any_model_call(tmp_path, runs, scripted,
                                                                                          monkeypatch):
    project = flaky_project(tmp_path / "project", runs, "run != 1")  # fails once, on the first run
    monkeypatch.chdir(project)
    scripted += [fenced(NO_OP)]
    result = solve("calc.py", "--json")
    assert scripted.requests == [], "the model was called"
    assert len(list(git.Repo(project).iter_commits())) == 1
    assert result.exit_code == 0, result.output
    assert (f"calc.py: tests 3/3 (1 flaky excluded) pass at start" in result.stderr
            and f"flaky, excluded from the score: {FLAKY} (the outcome changed on a rerun of the unchanged calc.py)"
            in result.stderr)
    summary = json.loads(result.stdout)
    assert summary["flaky"] == [FLAKY] and summary["tests"]["end"] == {"passed": 3, "total": 3}


@pytest.mark.slow
def test_a_test_that_fails_only_after_another_is_a_bug_not_flaky(tmp_path, scripted, monkeypatch):
    """It passes when rerun alone, but fails again in the whole suite: the start-up check repairs it."""
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    buggy = "def collect(item, into=[]):\n    into.append(item)\n    return into\n"
    fixed = "def collect(item, into=None):\n    into = [] if into is None else into\n    into.append(item)\n    return into\n"
    (project / "bag.py").write_text(buggy)
    (project / "tests" / "test_bag.py").write_text(
        "from bag import collect\n\n\ndef test_first():\n    assert collect(1) == [1]\n\n\n"
        "def test_second():\n    assert collect(2) == [2]\n")
    (project / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\ncache = false\ngradient = "never"\n')
    commit_all(project, "initial")
    monkeypatch.chdir(project)
    scripted += [fenced(fixed)]
    result = solve("bag.py")
    assert result.exit_code == 0, result.output
    assert "flaky" not in result.stderr
    assert "tests 1/2 -> 2/2" in git.Repo(project).head.commit.message


@pytest.mark.slow
def test_a_flaky_test_passing_beside_a_real_fix_does_not_count(tmp_path, runs, scripted, monkeypatch):
    # test_mul fails for real; test_flaky fails on runs 1 and 2, passes on the candidate's (3), fails after.
    project = flaky_project(tmp_path / "project", runs, "run == 3")
    (project / "calc.py").write_text(CALC.replace("a * b", "a ** b"))
    git.Repo(project).git.commit("-am", "a bug")
    monkeypatch.chdir(project)
    scripted += [fenced(CALC)]
    result = solve("calc.py")
    assert result.exit_code == 0, result.output
    message = git.Repo(project).head.commit.message
    assert f"{FLAKY} failed on a rerun (flaky); tests 1/3 (1 flaky excluded) -> 3/3 (1 flaky excluded)" in message


@pytest.mark.slow
def test_only_runs_just_the_tests_named(tmp_path, runs):
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "calc.py").write_text(CALC)
    (project / "tests" / "test_calc.py").write_text(TESTS.format(runs=str(runs), fails="True"))
    spec = TestSpec(project, ("tests",))
    report, _ = run_tests(spec, {}, only=frozenset({FLAKY, "tests.test_calc.test_mul"}))
    assert sorted(c.id for c in report.cases) == [FLAKY, "tests.test_calc.test_mul"]
    report, _ = run_tests(spec, {}, only=frozenset({"tests.test_calc.test_gone"}))  # no longer there: no error
    assert report.cases == ()


def test_flaky_tests_are_out_of_the_score():
    from tgfix.runner import TestCase

    report = TestReport((TestCase("a", "passed"), TestCase("b", "failed"), TestCase("c", "failed")))
    excluded = report.excluding(frozenset({"b"}))
    assert report.score == "1/3" and excluded.score == "1/2 (1 flaky excluded)"
    assert [c.id for c in excluded.failures] == ["c"] and excluded.passed == {"a"}
    assert report.excluding(frozenset({"c"})).excluding(frozenset({"b"})).all_passed
    assert excluded.excluding(frozenset({"b"})) is excluded


@pytest.mark.slow
def test_the_hook_lets_a_commit_through_when_what_failed_was_flaky(tmp_path, runs, scripted, monkeypatch):
    project = flaky_project(tmp_path / "project", runs, "run != 1")  # the hook's own run fails, later ones pass
    monkeypatch.chdir(project)
    result = cli("hook", "calc.py", "--model", "openai/scripted")
    assert scripted.requests == []
    assert result.exit_code == 0, result.output
    assert f"tgfix: warning: tests 4/4 pass on the same files after failing: {FLAKY} flaky" in result.stderr


def test_a_flaky_test_command_leaves_nothing_to_judge_by(tmp_path, runs, scripted, monkeypatch):
    """The command fails on odd runs: the start (1), passes alone (2), fails in the whole rerun (3),
    passes on the candidate (4) and fails on its confirmation (5)."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "calc.py").write_text(CALC)
    (project / "check.py").write_text(
        f"import sys\nfrom pathlib import Path\nruns = Path({str(runs)!r})\n"
        "run = len(runs.read_text()) + 1 if runs.exists() else 1\nruns.write_text('x' * run)\n"
        "sys.exit(run % 2)\n")
    (project / "pyproject.toml").write_text('[tool.tgfix]\ncache = false\ngradient = "never"\n')
    commit_all(project, "initial")
    monkeypatch.chdir(project)
    scripted += [fenced(NO_OP)]
    result = solve("calc.py", "--test-cmd", f"{sys.executable} check.py")
    assert result.exit_code == 3, result.output
    assert (project / "calc.py").read_text() == CALC and len(runs.read_text()) == 5
    assert "every test is flaky: nothing left to judge a change by" in result.stderr
    assert f"Flaky, excluded from the score: command: {sys.executable} check.py" in result.stderr
