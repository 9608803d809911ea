"""The command line through click's CliRunner: every exit code, with scripted model replies."""

import json

import git
import pytest

from conftest import FIXED_STATS, cli, fenced
from tgfix import prompts
from tgfix.commands.solve import critiques, schedule
from tgfix.config import Settings
from tgfix.llm import LLM
from tgfix.local import LOCAL_MODEL

CRITIQUE = "The code fails test_largest because line 8 keeps the smaller value; it must keep the larger one."


def solve(*args):
    return cli("solve", *args, "--model", "openai/scripted")


pytestmark = pytest.mark.usefixtures("in_project")


@pytest.mark.slow
def test_repairs_and_commits(project, scripted):
    scripted += [CRITIQUE, fenced(FIXED_STATS)]
    result = solve("stats.py", "--report", "run.json")
    assert result.exit_code == 0, result.output
    assert (project / "stats.py").read_text() == FIXED_STATS
    head = git.Repo(project).head.commit
    assert "tests 2/4 -> 4/4" in head.message and "line 8 keeps the smaller" in head.message
    assert list(head.stats.files) == ["stats.py"]
    assert "+        if x > best:" in result.stdout
    report = json.loads((project / "run.json").read_text())
    assert report["iterations"][0]["accepted"] and report["exit_code"] == 0


@pytest.mark.slow
def test_no_improvement_exit_3_leaves_file(project, scripted):
    buggy = (project / "stats.py").read_text()
    scripted += [CRITIQUE, "no code here", "no second opinion either", CRITIQUE, "no code here"]
    result = solve("stats.py", "--max-iters", "2")
    assert result.exit_code == 3, result.output
    assert (project / "stats.py").read_text() == buggy
    assert len(list(git.Repo(project).iter_commits())) == 1


@pytest.mark.slow
def test_partial_improvement_exit_1(project, scripted):
    half_fixed = FIXED_STATS.replace("best = xs[0]", "best = 0")  # positives pass, all-negative fails
    scripted += [CRITIQUE, fenced(half_fixed), "no second opinion", CRITIQUE, "```python\nbroken(\n```"]
    result = solve("stats.py", "--max-iters", "2")
    assert result.exit_code == 1, result.output
    assert (project / "stats.py").read_text() == half_fixed


@pytest.mark.slow
def test_by_default_the_first_step_reads_the_tests_and_later_ones_a_critique(project, scripted):
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('gradient = "always"\n', ""))
    git.Repo(project).git.commit("-am", "default gradient")
    half_fixed = FIXED_STATS.replace("best = xs[0]", "best = 0")
    scripted += [fenced(half_fixed), "no code", CRITIQUE, fenced(FIXED_STATS)]
    result = solve("stats.py")
    assert result.exit_code == 0, result.output
    systems = [request["messages"][0]["content"] for request in scripted.requests]
    assert ["gradient engine" in system for system in systems] == [False, False, True, False]
    assert systems[1] == prompts.BARE_REPAIR.system  # the first step's second opinion
    assert "<FEEDBACK>" not in scripted.requests[0]["messages"][1]["content"]
    assert CRITIQUE in scripted.requests[3]["messages"][1]["content"]


@pytest.mark.slow
def test_tests_already_pass_makes_no_model_call(project, scripted):
    (project / "stats.py").write_text(FIXED_STATS)
    git.Repo(project).git.commit("-am", "fixed by hand")
    result = solve("stats.py")
    assert result.exit_code == 0, result.output
    assert scripted.requests == []


@pytest.mark.parametrize("args, code, message", [
    (["missing.py"], 2, "no such file"),
    (["stats.py", "--tests", "nowhere"], 2, "no such tests path"),
    (["stats.py", "--test-cmd", "no-such-command-xyz"], 6, "test command cannot start: no-such-command-xyz: "),
    (["stats.py", "--test-cmd", "make test"], 6, "No rule to make target"),  # no Makefile
    (["stats.py", "--test-cmd", "cd nowhere && python -m pytest"], 6, "test command cannot start"),
    (["stats.py", "--max-iters", "zero"], 2, "Invalid value"),
])
@pytest.mark.slow
def test_bad_input_one_line_and_exit_code(args, code, message, scripted):
    result = solve(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_dirty_file_refused(project, scripted):
    (project / "stats.py").write_text("# my edit\n" + (project / "stats.py").read_text())
    result = solve("stats.py")
    assert result.exit_code == 4
    assert "uncommitted changes" in result.output


@pytest.mark.slow
def test_no_tests_found_exit_6(project, scripted):
    (project / "empty").mkdir()
    (project / "empty" / "test_nothing.py").write_text("x = 1\n")
    git.Repo(project).git.add(A=True)
    git.Repo(project).git.commit("-m", "empty tests")
    result = solve("stats.py", "--tests", "empty")
    assert result.exit_code == 6, result.output
    assert "no tests found" in result.output


@pytest.mark.slow
def test_patience_counts_steps_without_a_new_idea(project, scripted):
    worse = FIXED_STATS.replace("return sum(xs) / len(xs)", "return 0")
    respelled = worse.replace("(xs)", "( xs )")
    scripted += [fenced(worse), fenced(respelled), fenced(worse), fenced(respelled), "no code"]
    result = solve("stats.py", "--gradient", "never", "--patience", "2", "--max-iters", "9")
    assert result.exit_code == 3, result.output
    assert "no improvement and no new idea in 2 iterations (patience)" in result.stderr
    assert len(scripted.requests) == 4 and scripted == ["no code"]  # the new idea and its twin, two repeats


@pytest.mark.slow
def test_time_budget_stops_before_the_next_step(project, scripted):
    scripted += [CRITIQUE, fenced(FIXED_STATS.replace("best = xs[0]", "best = 0"))]
    result = solve("stats.py", "--time-budget", "0.001", "--max-iters", "5")
    assert result.exit_code == 3, result.output
    assert "time budget (0.001 s) spent" in result.stderr
    assert scripted.requests == []


@pytest.mark.slow
def test_dry_run_shows_the_best_diff_and_leaves_file_and_git(project, scripted):
    buggy = (project / "stats.py").read_text()
    scripted += [CRITIQUE, fenced(FIXED_STATS)]
    result = solve("stats.py", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+        if x > best:" in result.stdout and "not written (--dry-run)" in result.stderr
    assert (project / "stats.py").read_text() == buggy
    assert len(list(git.Repo(project).iter_commits())) == 1 and not git.Repo(project).is_dirty()


@pytest.mark.slow
def test_json_summary_is_one_object_on_stdout(project, scripted):
    scripted += [CRITIQUE, fenced(FIXED_STATS)]
    result = solve("stats.py", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["tests"] == {"start": {"passed": 2, "total": 4}, "end": {"passed": 4, "total": 4}}
    assert (summary["exit_code"], summary["accepted"], summary["committed"]) == (0, 1, True)
    assert summary["diff"].startswith("--- a/stats.py")


@pytest.mark.parametrize("gradient, critiqued", [
    ("after-first", [2, 3, 4, 5]), ("always", [1, 2, 3, 4, 5]), ("alternating", [2, 4]), ("never", [])])
def test_gradient_schedule_says_which_iterations_critique(gradient, critiqued):
    assert [n for n in range(1, 6) if critiques(gradient, n)] == critiqued


@pytest.mark.parametrize("model, gradient, expected", [
    (LOCAL_MODEL, "auto", "never"), ("openai/gpt-4o", "auto", "after-first"), (LOCAL_MODEL, "always", "always")])
def test_auto_schedule_critiques_only_with_a_model_other_than_the_embedded_one(model, gradient, expected):
    assert schedule(Settings(gradient=gradient), LLM(model)) == expected


@pytest.mark.slow
def test_without_patience_the_budgets_end_the_run(project, scripted):
    """The default: unchanged files do not end the run, for a small model's fix may be its fifth sample."""
    unchanged = fenced((project / "stats.py").read_text())
    scripted += [unchanged] * 4 + [fenced(FIXED_STATS)]
    result = solve("stats.py", "--gradient", "never", "--max-iters", "5")
    assert result.exit_code == 0, result.output
    assert len(scripted.requests) == 5 and (project / "stats.py").read_text() == FIXED_STATS



def test_edit_format_help_says_what_auto_does():
    from tgfix.optimizer import FUNCTION_MIN_LINES

    text = " ".join(cli("solve", "--help").output.split())
    assert f"auto: those functions from {FUNCTION_MIN_LINES} lines on when the failures point into them" in text
    assert "diffs for large files" not in text  # auto never asks for a diff, remote model or not


def test_an_engine_made_without_settings_caps_replies_as_the_setting_does():
    assert LLM("openai/scripted").max_tokens == Settings().max_tokens


# --- one entry, one error handler: commands return their exit code, the handler tells every error --------

COMMAND_ARGS = {"solve": ["stats.py"], "polish": ["stats.py"], "hook": ["stats.py"], "doctor": [],
                "install-hook": [], "report": ["run.json"]}
WITH_V = {"solve", "polish", "hook"}


def test_every_command_is_covered_here():
    from tgfix.cli import main

    assert set(COMMAND_ARGS) == set(main.commands)
    assert {name for name, command in main.commands.items() if any(p.name == "verbose" for p in command.params)} \
        == WITH_V


def failing_as(name, monkeypatch, error):
    """The command `name`, its body replaced by one that raises `error`: any command's failure."""
    from tgfix.cli import main

    def body(**params):
        raise error
    monkeypatch.setattr(main.commands[name], "callback", body)


@pytest.mark.parametrize("name", sorted(COMMAND_ARGS))
def test_a_bug_in_any_command_is_one_line_and_exit_70(name, monkeypatch):
    failing_as(name, monkeypatch, RuntimeError("simulated bug"))
    result = cli(name, *COMMAND_ARGS[name])
    assert result.exit_code == 70, result.output
    hint = "run with -vv" if name in WITH_V else "set TGFIX_TRACEBACK=1"
    assert result.stderr == f"tgfix: error: internal error: RuntimeError: simulated bug ({hint} for the traceback)\n"
    assert result.stdout == ""


@pytest.mark.parametrize("name", sorted(COMMAND_ARGS))
def test_an_interrupt_in_any_command_is_one_line_and_exit_130(name, monkeypatch):
    failing_as(name, monkeypatch, KeyboardInterrupt())
    result = cli(name, *COMMAND_ARGS[name])
    assert result.exit_code == 130, result.output
    assert result.stderr == "tgfix: error: interrupted; files are at their original or last accepted state\n"


@pytest.mark.parametrize("name, args, variable", [("doctor", [], "1"), ("solve", ["-vv"], None)],
                         ids=["TGFIX_TRACEBACK", "-vv"])
def test_the_traceback_of_a_bug_when_asked_for(name, args, variable, monkeypatch):
    if variable:
        monkeypatch.setenv("TGFIX_TRACEBACK", variable)
    failing_as(name, monkeypatch, RuntimeError("simulated bug"))
    result = cli(name, *COMMAND_ARGS[name], *args)
    assert result.exit_code == 70, result.output
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("tgfix: error: internal error: RuntimeError: simulated bug")


def test_a_tgfix_error_has_no_traceback_even_when_asked_for(monkeypatch):
    monkeypatch.setenv("TGFIX_TRACEBACK", "1")
    result = cli("report", "missing.json")
    assert (result.exit_code, result.stderr) == (2, "tgfix: error: no such file: missing.json\n")


@pytest.fixture
def fixed(project):
    (project / "stats.py").write_text(FIXED_STATS)
    git.Repo(project).git.commit("-am", "fixed by hand")
    return project


@pytest.mark.parametrize("name, args", [
    ("solve", ["stats.py", "--model", "openai/scripted"]),
    ("polish", ["stats.py", "--model", "openai/scripted", "--max-iters", "1", "--repeat", "1"]),
    ("hook", ["stats.py"]),
    ("doctor", ["--no-probe", "--model", "openai/scripted"]),
    ("install-hook", []),
    ("report", ["run.json"]),
])
@pytest.mark.slow
def test_each_command_returns_its_exit_code_rather_than_exiting(fixed, scripted, name, args):
    from tgfix.cli import main
    from tgfix.errors import Exit

    if name == "report":
        assert solve("stats.py", "--report", "run.json").exit_code == 0  # tests pass: no model call
    scripted += [CRITIQUE] + ["no faster code here"] * 3  # polish asks twice more for another approach
    code = main.commands[name].main(args, prog_name=f"tgfix {name}", standalone_mode=False)
    assert code == (Exit.NO_IMPROVEMENT if name == "polish" else Exit.PASSED)


def test_warnings_from_loading_the_settings_are_shown_by_the_command_line(monkeypatch):
    monkeypatch.setenv("TGFIX_MODLE", "typo")
    result = cli("doctor", "--no-probe", "--model", "openai/scripted")
    assert result.exit_code == 0, result.output
    assert result.stderr == "tgfix: warning: TGFIX_MODLE names no tgfix setting; ignored\n"
