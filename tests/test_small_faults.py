"""The small faults of issue 26: click's usage errors, a FILE that is a folder, a bench command that
fails, the hook's `git add` hint for a path with a space, and progress where stderr is no terminal."""

import git
import pytest

from conftest import BUGGY_STATS, FIXED_STATS, STATS_TESTS, cli, commit_all, fenced

CRITIQUE = "The code fails test_largest because line 8 keeps the smaller value; it must keep the larger one."


pytestmark = pytest.mark.usefixtures("in_project")


@pytest.mark.parametrize("args, message", [
    (["polish"], "tgfix: error: Missing argument 'FILE'. (see `tgfix polish --help`)"),  # solve localizes without
    (["solve", "stats.py", "--max-iters", "zero"], "tgfix: error: Invalid value for '--max-iters'"),
    (["solve", "stats.py", "--no-such-flag"], "tgfix: error: No such option '--no-such-flag'"),
    (["no-such-command"], "tgfix: error: No such command 'no-such-command'."),
])
def test_click_usage_errors_are_one_line_and_exit_2(args, message, scripted):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith(message), result.output
    assert scripted.requests == []


def test_help_still_shows_the_whole_help():
    result = cli("solve", "--help")
    assert result.exit_code == 0
    assert "Exit codes:" in result.output and "--tests" in result.output


def test_a_file_that_is_a_folder_says_so(project, scripted):
    (project / "lib").mkdir()
    result = cli("solve", "lib", "--model", "openai/scripted")
    assert result.exit_code == 2, result.output
    assert result.output == "tgfix: error: lib is a directory: pass the source files in it that the tests run\n"


@pytest.mark.slow
def test_a_failing_bench_command_is_not_sent_to_solve(project, scripted):
    (project / "stats.py").write_text(FIXED_STATS)
    git.Repo(project).git.commit("-am", "fixed")
    result = cli("polish", "stats.py", "--bench-cmd", "false", "--model", "openai/scripted")
    assert result.exit_code == 6, result.output
    assert "the bench command failed on the unchanged file, so it times nothing: false" in result.output
    assert "tgfix solve" not in result.output
    assert scripted.requests == []


@pytest.mark.slow
def test_the_hooks_git_add_hint_quotes_a_path_with_a_space(tmp_path, monkeypatch, scripted):
    root = tmp_path / "spaced"
    (root / "my lib").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "my lib" / "stats.py").write_text(BUGGY_STATS)
    (root / "tests" / "conftest.py").write_text(
        "import os, sys\nsys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'my lib'))\n")
    (root / "tests" / "test_stats.py").write_text(STATS_TESTS)
    (root / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\ncache = false\ngradient = "always"\n')
    commit_all(root, "initial")
    monkeypatch.chdir(root)
    scripted += [CRITIQUE, fenced(FIXED_STATS)]
    result = cli("hook", "my lib/stats.py", "--model", "openai/scripted")
    assert result.exit_code == 1, result.output
    assert "then `git add 'my lib/stats.py'` and commit again" in result.stderr


@pytest.mark.slow
def test_progress_shows_a_line_per_stage_where_stderr_is_no_terminal(scripted):
    scripted += [CRITIQUE, fenced(FIXED_STATS)]
    result = cli("solve", "stats.py", "--model", "openai/scripted")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "... proposing 1 change" in lines and "... testing proposals" in lines
    assert not any("\r" in line for line in lines)  # no spinner
    assert cli("solve", "stats.py", "--model", "openai/scripted", "-q").stderr.count("... ") == 0
