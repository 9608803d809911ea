"""The user's tests judge; they are never edited, and when they cannot run, no model call is spent."""

import git
import pytest

from conftest import BUGGY_STATS, FIXED_STATS, STATS_TESTS, cli, fenced


pytestmark = pytest.mark.usefixtures("in_project")


def solve(*args):
    return cli("solve", "stats.py", "--model", "openai/scripted", "--gradient", "never", *args)


def commit_tests(project, text: str):
    (project / "tests" / "test_stats.py").write_text(text)
    git.Repo(project).git.commit("-am", "tests")


@pytest.mark.parametrize("tests, where", [
    (STATS_TESTS.replace("def test_mean():", "def test_mean(:"), "tests/test_stats.py:4: SyntaxError"),
    ("import no_such_helper\n" + STATS_TESTS, "tests/test_stats.py:1: ModuleNotFoundError: No module named "
                                              "'no_such_helper'"),
], ids=["syntax-error", "missing-module"])
@pytest.mark.slow
def test_a_broken_test_file_is_exit_6_before_any_model_call(project, scripted, tests, where):
    commit_tests(project, tests)
    result = solve()
    assert result.exit_code == 6, result.output
    assert f"tgfix: error: the tests cannot run: {where}" in result.stderr
    assert scripted.requests == []


@pytest.mark.parametrize("source", [
    BUGGY_STATS.replace("def largest(xs):", "def largest(xs:"),   # FILE does not parse: tgfix's job
    BUGGY_STATS.replace("def mean(xs):", "def average(xs):"),     # the tests import a name FILE lacks
], ids=["file-syntax-error", "name-missing-from-file"])
@pytest.mark.slow
def test_a_collection_error_of_file_itself_is_repaired(project, scripted, source):
    (project / "stats.py").write_text(source)
    git.Repo(project).git.commit("-am", "broken file")
    scripted.append(fenced(FIXED_STATS))
    result = solve()
    assert result.exit_code == 0, result.output
    assert (project / "stats.py").read_text() == FIXED_STATS
