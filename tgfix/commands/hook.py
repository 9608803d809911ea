"""`tgfix hook` and `tgfix install-hook`: repair at commit time, in the working tree only.

When the tests pass, the hook exits 0 after one test run. When they fail, it repairs the
passed source files that the failing tests execute, writes the repair to the working tree,
prints the diff and exits 1. It never touches the index (pre-commit's rule): a changed file
means the commit was not ready, so the user reviews the diff, `git add`s it and commits again.
When what failed was flaky (it passes on the same files), nothing is repaired: a warning names
it, and the commit goes on.

Nothing on the passing path imports litellm, which alone takes seconds to load.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from importlib import resources
from pathlib import Path

from tgfix import console
from tgfix.commands.configured import configured_tests
from tgfix.config import Settings
from tgfix.errors import Exit, ModelUnavailable, TgfixError
from tgfix.loss import MAX_FAILURES_SHOWN, TestLoss
from tgfix.runner import TestReport
from tgfix.variable import Variable, project_root

FAILED = Exit.IMPROVED  # 1: what git and pre-commit read as "the hook failed"
MAX_FILES = 3  # every file repaired costs model calls on every iteration, and a commit is waiting
HOOK_PYTHON = "tgfix_python=''"  # in the shipped script: which Python's tgfix runs the hook


def run_hook(files: list[str], settings: Settings) -> Exit:
    """The hook's exit code for FILES (the staged files pre-commit or the git hook passes)."""
    loss_fn = configured_tests(settings)
    root = project_root(Path(files[0]).resolve())
    staged = [Variable.from_file(f, root=root) for f in files if Path(f).resolve().is_relative_to(root)]
    sources = [x for x in staged if x.is_python and not loss_fn.is_test(x.path, root)]
    first = (sources or staged)[0]  # a source, so that the run checks the tests import its copy
    report = loss_fn.evaluate(first, first.value)  # the file as it is: one plain test run
    if report.all_passed:
        if settings.verbosity >= 0:
            console.echo(f"tgfix: tests {report.score} pass")
        return Exit.PASSED
    loss_fn.check_start(report, staged)
    suspects = _suspects(sources, loss_fn)
    if not suspects:
        return _unrepaired(report, "no staged source file to repair", settings)
    return _repair(suspects, report, settings)


def _suspects(sources: list[Variable], loss_fn: TestLoss) -> list[Variable]:
    """The sources the failing tests execute, most suspicious (Ochiai) first.

    All of them when coverage cannot tell: a test command has no coverage, and a file
    that does not import (a syntax error) records none.
    """
    if len(sources) < 2:  # one file or none: nothing to rank, and a test run saved
        return sources
    scores = {loss.variable.name: loss.suspicious[0].score if loss.suspicious else 0.0
              for loss in loss_fn.forward(sources)}  # one test run, with coverage of each source
    executed = sorted((x for x in sources if scores[x.name] > 0), key=lambda x: -scores[x.name])
    return (executed or sources)[:MAX_FILES]


def _repair(suspects: list[Variable], report: TestReport, settings: Settings) -> Exit:
    from tgfix.commands.solve import solve  # litellm loads here, once there is something to repair

    settings = settings.model_copy(update={"max_iters": settings.hook_max_iters, "commit": False})
    try:
        with console.Console(settings.verbosity) as reporter:
            run = solve([str(x.path) for x in suspects], settings, reporter)
    except ModelUnavailable as error:
        return _unavailable(error, report, settings)
    final = run.final[0].report
    if not run.improved and final.all_passed:  # what failed was flaky: nothing to repair, nothing to block
        flaky = final.flaky | {case.id for case in report.failures} & final.passed
        console.warning(f"tests {final.score} pass on the same files after failing: {', '.join(sorted(flaky))} "
                        "flaky; the commit goes on")
        return Exit.PASSED
    if not run.improved:
        return _unrepaired(final, f"no repair found ({run.stop_reason})", settings)
    console.echo(run.diff(), err=False, nl=False)
    changed = shlex.join(x.name for x in run.variables if x.value != run.originals[x.name])
    summary = " ".join(console.summary_text(run.summary()).splitlines())
    console.echo(f"tgfix: {summary} Nothing was staged: review the diff, then `git add {changed}` and commit again.")
    return FAILED


def _unrepaired(report: TestReport, why: str, settings: Settings) -> Exit:
    allowed = settings.hook_allow_failing
    lines = [f"tgfix: {'warning: ' if allowed else ''}tests {report.score} pass, {why}. Failing:"]
    lines += [f"  {case.id}: {case.message or case.outcome}" for case in report.failures[:MAX_FAILURES_SHOWN]]
    if allowed:
        lines.append("tgfix: the commit goes on (--allow-failing)")
    console.echo("\n".join(lines))
    return Exit.PASSED if allowed else FAILED


def _unavailable(error: ModelUnavailable, report: TestReport, settings: Settings) -> Exit:
    if settings.hook_on_unavailable == "skip":
        console.warning(f"{error}; tests {report.score} pass, nothing repaired, "
                        "the commit goes on (--on-unavailable skip)")
        return Exit.PASSED
    console.error(f"{error}; tests {report.score} pass, nothing repaired")
    return FAILED


def install_git_hook(force: bool) -> Path:
    """Copy the shipped pre-commit script into this repository's hooks folder; return its path.

    The script runs `python -m tgfix.cli` with this very Python, which outlives the PATH of the
    shell that installed it and pipx's upgrades alike; it falls back to PATH when that is gone.
    """
    target = _hooks_dir() / "pre-commit"
    if target.exists() and not force:
        raise TgfixError(f"{target} already exists: pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    script = resources.files("tgfix").joinpath("data/pre-commit").read_text()
    target.write_text(script.replace(HOOK_PYTHON, f"tgfix_python={shlex.quote(sys.executable)}", 1))
    target.chmod(0o755)
    return target


def _hooks_dir() -> Path:
    """Where git looks for hooks: .git/hooks, or core.hooksPath when set (worktrees included)."""
    try:
        result = subprocess.run(["git", "rev-parse", "--git-path", "hooks"], capture_output=True, text=True)
    except OSError:
        raise TgfixError("git is not installed") from None
    if result.returncode != 0:
        raise TgfixError("not in a git repository: run tgfix install-hook inside one")
    return Path.cwd() / result.stdout.strip()
