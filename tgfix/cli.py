"""The command line: a thin layer over the commands. Each command returns its exit code; every error,
whichever command it comes from, is told by the one error handler in one line, with a documented exit code."""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import click

from tgfix import config, console
from tgfix.errors import Exit, TgfixError, UsageError, epilog
from tgfix.files import unwritable
from tgfix.report import write_report
from tgfix.sandbox import Access, isolation
from tgfix.variable import project_root

SOLVE_EXITS = (Exit.PASSED, Exit.IMPROVED, Exit.USAGE, Exit.NO_IMPROVEMENT, Exit.ENVIRONMENT, Exit.MODEL,
               Exit.TESTS, Exit.INTERNAL, Exit.INTERRUPTED)
HOOK_EXITS = {Exit.PASSED: "tests pass (or fail with --allow-failing, or the model is unavailable with "
                           "--on-unavailable skip)",
              Exit.IMPROVED: "tests fail: the repair is in the working tree (review it, git add, commit again), "
                             "or none was found",
              Exit.USAGE: Exit.USAGE.description, Exit.ENVIRONMENT: Exit.ENVIRONMENT.description,
              Exit.TESTS: Exit.TESTS.description, Exit.INTERNAL: Exit.INTERNAL.description,
              Exit.INTERRUPTED: Exit.INTERRUPTED.description}
POLISH_EXITS = {Exit.PASSED: "FILE is faster: every speed-up was kept (and committed, unless --no-commit)",
                Exit.USAGE: Exit.USAGE.description,
                Exit.NO_IMPROVEMENT: "nothing was faster beyond the noise: FILE is unchanged",
                Exit.ENVIRONMENT: Exit.ENVIRONMENT.description, Exit.MODEL: Exit.MODEL.description,
                Exit.TESTS: Exit.TESTS.description, Exit.FAILING: Exit.FAILING.description,
                Exit.INTERNAL: Exit.INTERNAL.description, Exit.INTERRUPTED: Exit.INTERRUPTED.description}
INTERNAL_WITHOUT_V = "internal error (a bug in tgfix; TGFIX_TRACEBACK=1 shows the traceback)"  # no -vv there
DOCTOR_EXITS = {Exit.PASSED: "nothing FAILED: the chosen model answers (or is not probed, with --no-probe)",
                Exit.USAGE: "usage error (bad option or value, an unknown model, --python names no interpreter)",
                Exit.MODEL: "no model is configured or installed, or the chosen model does not answer",
                Exit.TESTS: "the Python that would run the tests cannot run",
                Exit.INTERNAL: INTERNAL_WITHOUT_V, Exit.INTERRUPTED: Exit.INTERRUPTED.description}
REPORT_EXITS = {Exit.PASSED: "the page is written", Exit.USAGE: "RUN_JSON is missing, not JSON or not a tgfix report",
                Exit.ENVIRONMENT: "the page cannot be written (a full disk, a read-only folder)",
                Exit.INTERNAL: INTERNAL_WITHOUT_V, Exit.INTERRUPTED: "interrupted"}
TRACEBACK_VARIABLE = "TGFIX_TRACEBACK"  # =1: a bug in tgfix is told with its traceback, by every command
VERBOSE = "tgfix.verbose"  # in click's ctx.meta: the -v count of a command that has -v


@contextmanager
def error_handler(meta: Mapping) -> Iterator[None]:
    """The one place where an error becomes one line on stderr and its exit code: click's usage errors,
    tgfix's own, Ctrl-C and SIGTERM, and a bug in tgfix, whose traceback only -vv (where the command has
    it, as `meta` tells) or TGFIX_TRACEBACK=1 shows."""
    try:
        yield
    except click.exceptions.Exit:  # --help and --version inside a command: click's early end, no error
        raise
    except click.exceptions.NoArgsIsHelpError as error:  # `tgfix` alone: the help, as click shows it
        error.show()
        sys.exit(int(Exit.USAGE))
    except click.ClickException as error:
        where = f" (see `{error.ctx.command_path} --help`)" if getattr(error, "ctx", None) else ""
        console.error(f"{error.format_message()}{where}")
        sys.exit(int(Exit.USAGE))
    except click.exceptions.Abort:  # click's name for a Ctrl-C it caught itself
        _exit_with(KeyboardInterrupt(), meta)
    except (Exception, KeyboardInterrupt) as error:
        _exit_with(error, meta)


def _exit_with(error: BaseException, meta: Mapping) -> None:
    message, code = failure(error)
    if code == Exit.INTERNAL:
        if meta.get(VERBOSE, 0) >= 2 or os.environ.get(TRACEBACK_VARIABLE) == "1":
            traceback.print_exception(error)
        hint = "run with -vv" if VERBOSE in meta else f"set {TRACEBACK_VARIABLE}=1"
        message = f"{message} ({hint} for the traceback)"
    console.error(message)
    sys.exit(int(code))


def failure(error: BaseException) -> tuple[str, Exit]:
    """The one line an error is told in, and its exit code."""
    if isinstance(error, TgfixError):
        return str(error), error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return "interrupted; files are at their original or last accepted state", Exit.INTERRUPTED
    return f"internal error: {type(error).__name__}: {error}", Exit.INTERNAL


@contextmanager
def settled(files: tuple[str, ...], flags: dict, command: str, trail) -> Iterator[config.Settings]:
    """The run's settings; on an error, what --json and --report promise all the same: one JSON object
    with the exit code and the error, and the report of what the run (a session.Trail) did before it.
    The error itself goes on to the error handler, which tells it in one line."""
    settings = None
    try:
        settings = settings_from(files, flags)
        check_report_path(settings)
        yield settings
    except (Exception, KeyboardInterrupt) as error:
        message, code = failure(error)
        run = trail.run(code, message)
        if settings.json_output if settings else flags.get("json_output"):  # a bad setting: the flag decides
            summary = run.summary() if run else None
            console.echo(json.dumps(console.failure_data(summary, files, int(code), message)), err=False)
        if settings and settings.report and run:
            write_report(run, settings, Path(settings.report), command)
        raise


class OneLineErrors(click.Group):
    """Every command runs inside the error handler, and what it returns is the exit status; click's usage
    errors are one line too: `tgfix: error: ...`, exit 2."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` and CI timeouts clean up like Ctrl-C
        with error_handler({}):  # what click finds wrong before a command is chosen (`tgfix --bad`)
            code = super().main(*args, standalone_mode=False, **kwargs)
        sys.exit(int(code or 0))

    def invoke(self, ctx: click.Context):
        with error_handler(ctx.meta):  # here, before click turns a Ctrl-C into its Abort
            return super().invoke(ctx)


@click.group(name="tgfix", cls=OneLineErrors, epilog=epilog(SOLVE_EXITS + (Exit.FAILING,)))
@click.version_option(package_name="tgfix")
def main():
    """tgfix: repair code with textual gradients. Tests are the loss; every step is validated."""


def _with(options: list, command):
    return functools.reduce(lambda cmd, option: option(cmd), reversed(options), command)


def setup_options(command):
    """Which model answers and where, which Python runs the tests: for the commands that run, and `doctor`."""
    return _with([
        click.option("--model", help="litellm model string (default: the embedded local model)."),
        click.option("--gradient-model", help="Model for the critique, if different from --model."),
        click.option("--api-base", help="Base URL of an OpenAI-compatible server (Ollama, vLLM, llama.cpp)."),
        click.option("--api-key", help="Key for --api-base (or TGFIX_API_KEY); a server on this machine needs none."),
        click.option("--python", type=click.Path(),
                     help="Python that runs the tests (default: the project's virtualenv, else tgfix's own)."),
        click.option("--pass-env", "pass_env", multiple=True, metavar="NAME",
                     help="Pass this variable (or pattern, 'DB_*') to the tests as it is; repeatable. By default "
                          "they see only PATH, HOME, locale, PYTHON* and the like."),
        click.option("--network/--no-network", default=None,
                     help="Keep this machine's network for the tests (a database on localhost; default: cut)."),
    ], command)


def run_options(command):
    """Options shared by `solve`, `polish` and `hook`; unset ones fall back to env, pyproject.toml, defaults."""
    options = [
        click.option("--tests", "tests", multiple=True, type=click.Path(),
                     help="Test file, folder or node id (tests/test_x.py::test_y) for pytest; repeatable."),
        click.option("--tests-k", help="Only the tests whose names match this pytest -k expression."),
        click.option("--test-cmd", help="Any test command; exit status 0 means pass."),
        setup_options,
        click.option("--temperature", type=float, help="Sampling temperature of the first proposal, 0-2 (default 0)."),
        click.option("--seed", type=int, help="Sampling seed (default 0): the same seed, the same answers."),
        click.option("--max-iters", type=int, help="Iteration budget (default 12)."),
        click.option("--candidates", type=int, help="Proposals sampled and validated per step, 1-16 (default 1)."),
        click.option("--patience", type=int, help="Stop after this many iterations without improvement or a new "
                                                  "idea (default: none, the budgets end the run; polish: 1)."),
        click.option("--max-cost", type=float, help="Stop once this many USD are spent."),
        click.option("--time-budget", type=float, help="Start no new step after this many seconds (default 240)."),
        click.option("--test-timeout", type=float, help="Seconds one test may run (default 10)."),
        click.option("--problem", type=click.Path(), help="Problem statement or spec given to the model."),
        click.option("--edit-format", type=click.Choice(config.choices("edit_format")),
                     help="How the model answers: the whole file, a diff, or only the functions the failing tests "
                          "run (auto: those functions from 100 lines on when the failures point into them, else the "
                          "whole file, with any model; a diff only when asked for)."),
        click.option("--memory", type=int, help="Earlier attempts shown to the model (default 5, 0 = none)."),
        click.option("--gradient", type=click.Choice(config.choices("gradient")),
                     help="When to write a critique before a step; never = step straight from the test results "
                          "(auto: never with the embedded model, after-first with any other)."),
        click.option("--localize/--no-localize", default=None, help="Coverage-based fault localization (default on)."),
        click.option("--trace/--no-trace", default=None,
                     help="Show the model FILE's variables along the last lines the first failing test ran "
                          "(default off: not yet measured to help)."),
        click.option("--second-opinion/--no-second-opinion", default=None,
                     help="solve: when the first answer misses, also try the greedy answer to a plain request "
                          "(file, first failure, \"fix the bug\"; default on)."),
        click.option("--cache/--no-cache", default=None, help="Reuse cached model replies (default on)."),
        click.option("-v", "--verbose", count=True, callback=_tell_the_error_handler,
                     help="Show critiques (-v) and candidates (-vv)."),
        click.option("-q", "--quiet", count=True, help="Only the summary."),
    ]
    return _with(options, command)


def _tell_the_error_handler(ctx: click.Context, param, count: int) -> int:
    ctx.meta[VERBOSE] = count  # meta is shared by every context of the invocation: the group's handler reads it
    return count


def commit_options(command):
    options = [
        click.option("--commit/--no-commit", default=None, help="Commit each improvement with git (default on)."),
        click.option("--allow-dirty", is_flag=True, default=None, help="Work on a FILE with uncommitted changes."),
        click.option("--dry-run", is_flag=True, default=None, help="Show the best change; leave FILE and git as they are."),
        click.option("--json", "json_output", is_flag=True, default=None, help="Print the summary as one JSON object on stdout."),
    ]
    return _with(options, command)


def report_options(command):
    return _with([
        click.option("--report", type=click.Path(),
                     help="Write the whole trajectory as JSON, or as the report page if it ends in .html."),
        click.option("--report-prompts", is_flag=True, default=None,
                     help="The report holds the full text of every prompt sent (by default only their sha256)."),
    ], command)


def check_report_path(settings: config.Settings) -> None:
    """Before the run: a report that could not be written would be found only at its end."""
    if not settings.report:
        return
    path = Path(settings.report)
    if path.is_dir():
        raise UsageError(f"--report {path} is a folder: name the file to write, e.g. {path / 'run.json'}")
    if not path.resolve().parent.is_dir():
        raise UsageError(f"--report: no such folder: {path.parent}")
    reason = unwritable(path)
    if reason:
        raise TgfixError(f"--report: cannot write {path}: {reason}")


def finish(run, settings: config.Settings, command: str, notes: Sequence[str] = ()) -> Exit:
    """The end of a run (a session.Run): the diff or --json, the summary, the report; its exit code."""
    console.result(run.summary(), settings.verbosity, settings.json_output, notes)
    save_report(run, settings, command)
    return run.exit_code


def save_report(run, settings: config.Settings, command: str) -> None:
    """The report is optional: the run's fixes are written and committed by now, so a failed write
    (a full disk) is a warning and the exit code stays the run's."""
    if not settings.report:
        return
    try:
        write_report(run, settings, Path(settings.report), command)
    except OSError as error:
        console.warning(f"could not write the report {settings.report}: {error.strerror or error}")


def settings_from(files: tuple[str, ...], flags: dict) -> config.Settings:
    verbosity = flags.pop("verbose") - flags.pop("quiet")
    flags["tests"] = flags["tests"] or None
    flags["pass_env"] = flags["pass_env"] or None
    start = Path(files[0]).resolve() if files else Path.cwd() / "x"
    return load_settings({**flags, "verbosity": verbosity}, start)


def load_settings(flags: dict, start: Path) -> config.Settings:
    """The settings of the project `start` is in; what loading them found amiss is shown as warnings."""
    settings = config.load(flags, project_root(start))
    for message in settings.warnings:
        console.warning(message)
    return settings


@main.command(epilog=epilog(SOLVE_EXITS))
@click.argument("files", nargs=-1, type=click.Path())
@run_options
@click.option("--max-files", type=int, help="Without FILES: repair at most this many of the files the failing "
                                            "tests point at, in turn while tests fail (default 2).")
@commit_options
@report_options
def solve(files, **flags):
    """Repair FILES until their tests pass, committing every improvement. Without FILES, the files the
    failing tests point at (their tracebacks, and coverage: Ochiai), most suspicious first."""
    from tgfix.commands.solve import solve as run_solve
    from tgfix.session import Trail

    trail = Trail()
    with settled(files, flags, "solve", trail) as settings:
        with console.Console(settings.verbosity) as reporter:
            access = Access(settings.pass_env, settings.network)
            reporter.say(f"{isolation().describe(access)}; {access.describe()}", level=1)
            run = run_solve(list(files), settings, reporter, trail)
    return finish(run, settings, "solve")


@main.command(epilog=epilog(tuple(DOCTOR_EXITS), DOCTOR_EXITS))
@setup_options
@click.option("--no-probe", is_flag=True, help="Skip loading the model and the speed probe.")
def doctor(no_probe, **flags):
    """Which model tgfix will use and why, whether it answers, how fast it runs."""
    from tgfix.commands.doctor import diagnose

    flags["pass_env"] = flags["pass_env"] or None
    lines, code = diagnose(load_settings(flags, Path.cwd() / "x"), probe=not no_probe)
    console.echo("\n".join(lines), err=False)
    return code


@main.command(epilog=epilog(tuple(HOOK_EXITS), HOOK_EXITS))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@run_options
@click.option("--allow-failing", "hook_allow_failing", is_flag=True, default=None,
              help="Exit 0 when the tests fail and no repair is found.")
@click.option("--on-unavailable", "hook_on_unavailable", type=click.Choice(config.choices("hook_on_unavailable")),
              help="When the model cannot be reached: fail (exit 1, default) or skip (exit 0 with a warning).")
def hook(files, **flags):
    """Pre-commit hook: if the tests fail, repair FILES in the working tree (never the index) and exit 1.

    The budget is --max-iters, here 2 by default (hook_max_iters in [tool.tgfix]).
    """
    from tgfix.commands.hook import run_hook

    flags["hook_max_iters"] = flags.pop("max_iters")
    return run_hook(list(files), settings_from(files, flags))


@main.command("install-hook")
@click.option("--force", is_flag=True, help="Replace an existing pre-commit hook.")
def install_hook(force):
    """Install tgfix as this repository's git pre-commit hook (for repositories without pre-commit)."""
    from tgfix.commands.hook import install_git_hook

    console.echo(f"installed {install_git_hook(force)}", err=False)
    return Exit.PASSED


@main.command(epilog=epilog(tuple(POLISH_EXITS), POLISH_EXITS))
@click.argument("file", type=click.Path())
@run_options
@commit_options
@click.option("--bench-cmd", help="Time this command (run in the sandbox, exit 0 = pass) instead of the tests.")
@click.option("--repeat", type=click.IntRange(min=1), default=5, show_default=True,
              help="Timed runs per measurement; their median and spread decide.")
@report_options
def polish(file, bench_cmd, repeat, **flags):
    """Make FILE faster once its tests pass, committing every speed-up.

    A change is kept only if every test still passes and the median time drops by more than
    the spread of the measurements (and by 5 % at least).
    """
    from tgfix.commands.polish import PolishConsole, polish as run_polish, speedup
    from tgfix.session import Trail

    trail = Trail()
    with settled((file,), flags, "polish", trail) as settings:
        with PolishConsole(settings.verbosity) as reporter:
            run = run_polish(file, settings, bench_cmd, repeat, reporter, trail)
    return finish(run, settings, "polish", [f"time: {speedup(run)}."] if run.improved else [])


@main.command(epilog=epilog(tuple(REPORT_EXITS), REPORT_EXITS))
@click.argument("run_json", type=click.Path())
@click.option("-o", "--output", type=click.Path(), help="Where the page goes (default: RUN_JSON with .html).")
def report(run_json, output):
    """The report page of a run: RUN_JSON (written by --report) as one self-contained HTML file.

    It shows the loss curve, every iteration's loss, critique and candidates with their diffs
    and verdicts, the final diff, and what the run cost.
    """
    from tgfix.commands.report import report_page

    page = report_page(Path(run_json), Path(output) if output else None)
    console.echo(f"wrote {page}", err=False)
    return Exit.PASSED


def run() -> None:
    """The `tgfix` command: main(), with a quick exit after an interrupt."""
    try:
        main()
    except SystemExit as stop:
        if stop.code == Exit.INTERRUPTED:
            # Files, sandbox copies and the lock are settled by now; skip joining a cancelled model
            # thread and the interpreter's teardown (about a second with litellm loaded).
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(Exit.INTERRUPTED)
        raise


if __name__ == "__main__":
    run()
