"""Real projects' files and runs: files kept as they are (line endings, encoding, final newline, any
language), several FILEs in one run, --json and --report on every exit, one run per project."""

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import cli, commit_all, fenced
from tgfix.errors import TgfixError
from tgfix.lock import run_lock

HOLDER = """\
import sys, time
from pathlib import Path
from tgfix.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def solve(*args):
    return cli("solve", *args, "--model", "openai/scripted")


@pytest.fixture
def holder(tmp_path):
    """Start a process that holds the run lock of a project (with a TMPDIR of its own); kill it after."""
    started = []

    def hold(root: Path) -> subprocess.Popen:
        own_tmp = tmp_path / "holder-tmp"
        own_tmp.mkdir(exist_ok=True)
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE, text=True,
                                   env={**os.environ, "TMPDIR": str(own_tmp)})
        started.append(process)
        assert process.stdout.readline() == "held\n"
        return process

    yield hold
    for process in started:
        process.kill()
        process.wait()


# -----------------------------------------------------------------------------
# 8. one run per project, whatever TMPDIR says


def test_a_second_run_with_another_tmpdir_is_refused_naming_the_holder(project, holder, scripted, tmp_path,
                                                                         monkeypatch):
    process = holder(project)
    other_tmp = tmp_path / "other-tmp"
    other_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(other_tmp))
    monkeypatch.setenv("TMPDIR", str(other_tmp))
    monkeypatch.chdir(project)
    result = solve("stats.py")
    assert result.exit_code == 4, result.output
    assert result.stderr.splitlines() == [
        f"tgfix: error: another tgfix run is working on {project} "
        f"(pid {process.pid}, lock {project / '.git' / 'tgfix.lock'})"]
    assert scripted.requests == []


def test_the_kernel_releases_the_lock_of_a_run_killed_with_sigkill(project, holder):
    process = holder(project)
    with pytest.raises(TgfixError, match=f"pid {process.pid}"):
        with run_lock(project):
            pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    with run_lock(project):
        pass


def test_outside_git_the_lock_is_in_the_project_and_the_sandbox_skips_it(tmp_path, holder):
    root = tmp_path / "plain"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    holder(root)
    assert (root / ".tgfix" / "tgfix.lock").is_file()
    with pytest.raises(TgfixError, match="another tgfix run"):
        with run_lock(root):
            pass
    from tgfix.sandbox import files_under

    assert files_under(root) == [root / "pyproject.toml"]


# -----------------------------------------------------------------------------
# 6. more than one FILE


@pytest.fixture
def two_files(tmp_path):
    """Two modules with the same buggy line, each with its test."""
    root = tmp_path / "two"
    (root / "tests").mkdir(parents=True)
    for name in ("a", "b"):
        (root / f"{name}.py").write_text("VALUE = 1\n")
        (root / "tests" / f"test_{name}.py").write_text(f"import {name}\n\n\ndef test_{name}():\n"
                                                       f"    assert {name}.VALUE == 2\n")
    (root / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\ncache = false\ngradient = "never"\n'
                                         'second_opinion = false\n')
    commit_all(root, "initial")
    return root


def test_a_source_tried_for_one_file_is_tested_again_for_another(two_files, scripted, monkeypatch):
    monkeypatch.chdir(two_files)
    scripted += [fenced("VALUE = 2\n"), fenced("VALUE = 2\n")]
    result = solve("a.py", "b.py")
    assert result.exit_code == 0, result.output
    assert (two_files / "a.py").read_text() == (two_files / "b.py").read_text() == "VALUE = 2\n"
    assert "tests 0/2 -> 2/2: all tests pass." in result.stderr


def test_iterations_count_passes_over_the_files_as_the_budget_does(two_files, scripted, monkeypatch):
    monkeypatch.chdir(two_files)
    scripted += ["no code"] * 4
    result = solve("a.py", "b.py", "--max-iters", "2", "--json")
    assert result.exit_code == 3, result.output
    assert "tests 0/2 -> 0/2: iteration budget (2) used." in result.stderr
    assert "2 iterations (4 steps over 2 files), 0 accepted" in result.stderr
    summary = json.loads(result.stdout)
    assert (summary["iterations"], summary["steps"], summary["stop_reason"]) == (2, 4, "iteration budget (2) used")
