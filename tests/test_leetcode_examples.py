"""examples/leetcode: every example is consistent, and `tgfix solve --problem` works on one end to end.

Each example holds a reference solution (reference/solution.py) that no method ever sees:
it must pass the visible and the hidden tests, which pins the hidden tests down.
"""

import subprocess
import sys

import git
import pytest

from bench.leetcode import FILE, examples, hidden, workspace
from conftest import cli, fenced
from tgfix.runner import TestSpec, run_tests

EXAMPLES = examples()
POLISH = examples(corpus="polish")
SLOW = [e for e in EXAMPLES + POLISH if e.start == "slow"]


def run(example, source, *tests):
    return run_tests(TestSpec(example.path, tests), {FILE: source})[0]


def test_buggy_and_slow_examples():
    assert len(EXAMPLES) >= 3
    assert {e.start for e in EXAMPLES} == {"buggy", "slow"}


@pytest.mark.parametrize("example", EXAMPLES + POLISH, ids=lambda e: e.name)
def test_layout(example):
    for path in ("problem.md", FILE, "conftest.py", "tests/test_visible.py", "hidden/test_hidden.py",
                 "reference/solution.py"):
        assert (example.path / path).is_file(), path
    assert (example.bench is not None) == (example.start == "slow")


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES + POLISH, ids=lambda e: e.name)
def test_reference_passes_visible_and_hidden_tests(example):
    report = run_tests(TestSpec(example.path, ("tests", "hidden"), test_timeout=example.time_limit),
                       {FILE: example.source("reference/solution.py")})[0]
    assert report.all_passed, report.failures


def test_the_polish_corpus_has_a_dozen_slow_problems():
    assert len(POLISH) >= 12 and {e.start for e in POLISH} == {"slow"}


@pytest.mark.slow
@pytest.mark.parametrize("example", POLISH, ids=lambda e: e.name)
def test_slow_solution_passes_all_but_the_speed_tests(example):
    """Correct but slow: the visible tests and the hidden edge cases pass, every test_fast_* runs out of time."""
    report = run_tests(TestSpec(example.path, ("tests", "hidden"), test_timeout=example.time_limit),
                       {FILE: example.source()})[0]
    fast = {case.id for case in report.cases if ".test_fast_" in case.id}
    assert fast and {case.id for case in report.failures} == fast, report.failures


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_starting_solution(example):
    if example.start == "buggy":
        assert not run(example, example.source(), "tests").all_passed
    else:
        assert run(example, example.source(), "tests", "hidden").all_passed


@pytest.mark.parametrize("example", SLOW, ids=lambda e: e.name)
def test_reference_is_much_faster_on_the_bench(example, tmp_path):
    assert example.bench == "python bench.py"
    timer = "import runpy, time; t = time.perf_counter(); runpy.run_path('bench.py'); print(time.perf_counter() - t)"

    def compute_seconds(which):  # the benchmark alone, without the interpreter's start-up
        work = workspace(example, tmp_path / which.replace("/", "-"))
        (work / FILE).write_text(example.source(which))
        return float(subprocess.run([sys.executable, "-c", timer], cwd=work, capture_output=True, text=True,
                                    check=True).stdout)

    assert compute_seconds(FILE) > 5 * compute_seconds("reference/solution.py")


@pytest.mark.slow
def test_solve_with_problem_and_plain_assert_tests(tmp_path, scripted, monkeypatch):
    """Visible tests as top-level asserts: the failing assert is named in the loss, the fix is accepted."""
    [two_sum] = examples(["two_sum"])
    work = workspace(two_sum, tmp_path / "two_sum")
    (work / FILE).write_text(two_sum.source().replace("range(i + 1,", "range(i,"))  # may use one element twice
    git.Repo(work).git.commit("-am", "buggy")
    monkeypatch.chdir(work)
    scripted += ["The code fails because j starts at i, so one element is used twice.",
                 fenced(two_sum.source("reference/solution.py"))]
    result = cli("solve", FILE, "--tests", "tests", "--problem", "problem.md",
                                       "--gradient", "always", "--model", "openai/scripted", "--no-cache")
    assert result.exit_code == 0, result.output
    critique, step = (request["messages"][1]["content"] for request in scripted.requests)
    assert "<PROBLEM>" in critique and "exactly one solution" in critique and "<PROBLEM>" in step
    assert "- tests.test_visible.<module>: assert [0, 0] == [1, 2]" in critique
    assert "tests 0/1 -> 1/1" in git.Repo(work).head.commit.message
    assert hidden(two_sum, (work / FILE).read_text()).all_passed


@pytest.mark.model
def test_embedded_model_solves_a_hard_problem_for_its_hidden_tests(tmp_path, monkeypatch):
    [trap] = examples(["trapping_rain_water"])
    work = workspace(trap, tmp_path / "trap")
    monkeypatch.chdir(work)
    result = cli("solve", FILE, "--tests", "tests", "--problem", "problem.md",
                                       "--max-iters", "2")
    assert result.exit_code == 0, result.output
    assert hidden(trap, (work / FILE).read_text()).all_passed


@pytest.mark.model
def test_embedded_model_polishes_a_corpus_problem_to_the_faster_algorithm(tmp_path, monkeypatch):
    """The hidden test_fast_* tests pass only within the time limit, which only the faster algorithm meets."""
    [anagrams] = [e for e in POLISH if e.name == "anagram_groups"]
    work = workspace(anagrams, tmp_path / "anagrams")
    monkeypatch.chdir(work)
    result = cli("polish", FILE, "--tests", "tests", "--bench-cmd", anagrams.bench, "--max-iters", "2", "--no-cache")
    assert result.exit_code == 0, result.output
    assert "tgfix: speed up" in git.Repo(work).head.commit.message
    assert hidden(anagrams, (work / FILE).read_text()).all_passed
