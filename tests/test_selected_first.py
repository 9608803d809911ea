"""On a large suite a candidate runs first the tests that executed the definitions the failures point
at or the candidate changes, and the failing ones; only a candidate those show acceptable runs the
whole suite, which gives its verdict. Real projects of 60 tests in git, scripted model replies; what
ran is read from the --report trajectory (a test that did not run is "not run" there)."""

import json
import re

import git
import pytest

from conftest import cli, commit_all, fenced, git_project
from tgfix.runner import TestSpec, run_tests

CALC = '''\
SCALE = 2


def add(a, b):
    return a - b


def double(x):
    return x * SCALE


def negate(x):
    return -x
'''
FIXED = CALC.replace("a - b", "a + b")
TESTS = '''\
import pytest

from calc import add, double, negate


@pytest.mark.parametrize("n", range(40))
def test_double(n):
    assert double(n) == 2 * n


@pytest.mark.parametrize("n", range(10))
def test_negate(n):
    assert negate(n) == -n


@pytest.mark.parametrize("n", range(10))
def test_add(n):
    assert add(n, 1) == n + 1
'''
SELECTED_FIRST = "testing 10 selected tests first"  # the 10 test_add: they fail, and they run add


@pytest.fixture
def project(tmp_path, monkeypatch):
    """calc.py with add wrong: 50 of 60 tests pass; committed in git."""
    root = git_project(tmp_path / "project", {"calc.py": CALC, "tests/test_calc.py": TESTS}, 'gradient = "never"\n')
    monkeypatch.chdir(root)
    return root


def solve(*args):
    return cli("solve", "calc.py", *args, "--model", "openai/scripted", "--report", "run.json")


def only_candidate(root) -> dict:
    [iteration] = json.loads((root / "run.json").read_text())["iterations"]
    [candidate] = iteration["candidates"]
    return candidate


def ran(candidate: dict) -> list[str]:
    return [case["id"] for case in candidate["tests"]["cases"] if case["outcome"] != "not run"]


@pytest.mark.slow
def test_a_regression_among_the_selected_tests_stops_the_run_at_once(project, scripted):
    scripted += [fenced(FIXED.replace("return -x", "return x + 1"))]  # add fixed, negate broken
    result = solve("--max-iters", "1", "--no-second-opinion")
    assert result.exit_code == 3, result.output  # not solved within the budget
    candidate = only_candidate(project)
    # The changed negate's tests (passing before) run first, the fastest first, and the first one fails:
    # none of the 40 test_double, which come before it in the suite, ran.
    [first] = ran(candidate)
    assert re.fullmatch(r"tests\.test_calc\.test_negate\[\d\]", first)
    assert candidate["verdict"] == f"regression: {first} now fails"
    assert "testing 20 selected tests first" in result.stderr
    assert (project / "calc.py").read_text() == CALC


@pytest.mark.slow
def test_a_candidate_that_breaks_a_test_outside_the_selection_is_rejected_by_the_whole_suite(project, scripted):
    scripted += [fenced(FIXED.replace("SCALE = 2", "SCALE = 3"))]  # add fixed; double broken from module level
    result = solve("--max-iters", "1", "--no-second-opinion")
    assert result.exit_code == 3, result.output  # not solved within the budget
    assert SELECTED_FIRST in result.stderr and "running the whole suite" in result.stderr
    candidate = only_candidate(project)
    assert re.fullmatch(r"regression: tests\.test_calc\.test_double\[[1-9]\d*\] now fails", candidate["verdict"])
    assert not candidate["accepted"] and (project / "calc.py").read_text() == CALC
    assert len(git.Repo(project).head.commit.parents) == 0, "nothing was committed"


@pytest.mark.slow
def test_an_accepted_candidates_verdict_comes_from_the_whole_suite(project, scripted):
    scripted += [fenced(FIXED)]
    result = solve()
    assert result.exit_code == 0, result.output
    assert SELECTED_FIRST in result.stderr and "running the whole suite" in result.stderr
    candidate = only_candidate(project)
    assert candidate["accepted"] and candidate["verdict"] == "tests 50/60 -> 60/60"
    assert candidate["tests"]["score"] == "60/60" and len(ran(candidate)) == 60
    assert (project / "calc.py").read_text() == FIXED
    assert "tests 50/60 -> 60/60" in git.Repo(project).head.commit.message


@pytest.mark.slow
def test_a_candidate_that_gains_nothing_on_the_selected_tests_runs_no_other(project, scripted):
    scripted += [fenced(CALC.replace("a - b", "a * b"))]  # still wrong, breaks nothing
    result = solve("--max-iters", "1", "--no-second-opinion")
    assert result.exit_code == 3, result.output  # not solved within the budget
    candidate = only_candidate(project)
    assert candidate["verdict"] == "no gain (none of the 10 failing tests passes now)"
    assert sorted(ran(candidate)) == sorted(f"tests.test_calc.test_add[{n}]" for n in range(10))
    not_run = [case for case in candidate["tests"]["cases"] if case["outcome"] == "not run"]
    assert len(not_run) == 50 and "selected" in not_run[0]["message"]
    assert "running the whole suite" not in result.stderr


@pytest.mark.slow
def test_a_small_suite_runs_whole(tmp_path, monkeypatch, scripted):
    root = tmp_path / "small"
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text(CALC)
    (root / "tests" / "test_calc.py").write_text(TESTS.replace("range(40)", "range(4)"))  # 24 tests
    (root / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\ncache = false\ngradient = "never"\n')
    commit_all(root, "initial")
    monkeypatch.chdir(root)
    scripted += [fenced(CALC.replace("a - b", "a * b"))]
    result = solve("--max-iters", "1", "--no-second-opinion")
    assert result.exit_code == 3, result.output  # not solved within the budget
    assert "selected tests first" not in result.stderr
    assert len(ran(only_candidate(root))) == 24


FLAKY_CALC = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"
FLAKY_TESTS = '''\
from pathlib import Path

import pytest

from calc import add, mul

RUNS = Path({runs!r})


def test_add():
    assert add(2, 3) == 5


@pytest.mark.parametrize("n", range(60))
def test_mul(n):
    assert mul(n, 2) == 2 * n


def test_flaky():
    run = len(RUNS.read_text()) + 1 if RUNS.exists() else 1
    RUNS.write_text("x" * run)
    assert run % 2 == 0, f"run {{run}}: the service was slow"
'''


@pytest.mark.slow
def test_a_test_passing_on_the_selected_run_and_failing_on_the_whole_suite_is_flaky(tmp_path, monkeypatch, scripted):
    # As in test_flaky: fails on odd runs. At the start (1), passes alone (2), fails in the whole run that
    # checks it (3); passes on the candidate's selected tests (4), fails on the whole suite (5).
    runs = tmp_path / "flaky-runs"  # outside the project: every sandbox copy counts into it
    root = tmp_path / "project"
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text(FLAKY_CALC)
    (root / "tests" / "test_calc.py").write_text(FLAKY_TESTS.format(runs=str(runs)))
    (root / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\ncache = false\ngradient = "never"\n')
    commit_all(root, "initial")
    monkeypatch.chdir(root)
    scripted += [fenced(FLAKY_CALC.replace("a + b", "b + a"))]  # a no-op edit
    result = solve("--max-iters", "1")
    assert "testing 2 selected tests first" in result.stderr  # test_flaky, and test_add for the add it changes
    assert "rejected: tests.test_calc.test_flaky failed on a rerun (flaky); no gain" in result.stderr
    assert len(runs.read_text()) == 5
    assert (root / "calc.py").read_text() == FLAKY_CALC
    assert len(list(git.Repo(root).iter_commits())) == 1, "the no-op edit was committed"


def test_the_selected_tests_run_without_collecting_the_other_test_modules(tmp_path):
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "unit" / "test_wanted.py").write_text("def test_one():\n    pass\n")
    (tmp_path / "tests" / "test_slow_import.py").write_text("raise SystemExit('imported')\n\n\n"
                                                           "def test_two():\n    pass\n")
    report, _ = run_tests(TestSpec(tmp_path, ("tests",)), {}, only=frozenset({"tests.unit.test_wanted.test_one"}))
    assert [(case.id, case.outcome) for case in report.cases] == [("tests.unit.test_wanted.test_one", "passed")]
