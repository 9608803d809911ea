"""The plain git hook runs the tgfix that installed it, tgfix on PATH or not; the one on PATH once that has gone.

Real `git commit`s on a project whose tests pass (no model is called).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest

from conftest import FIXED_STATS, cli

WITHOUT_TGFIX = os.pathsep.join(["/usr/bin", "/bin"])
WITH_TGFIX = os.pathsep.join([str(Path(sys.executable).parent), WITHOUT_TGFIX])
GONE = "/nowhere/venv/bin/python"


@pytest.fixture
def hooked(project, monkeypatch):
    """The project with install-hook's hook and a fix staged: committing runs the hook, the tests pass."""
    assert shutil.which("tgfix", path=WITHOUT_TGFIX) is None
    monkeypatch.chdir(project)
    assert cli("install-hook").exit_code == 0
    (project / "stats.py").write_text(FIXED_STATS)
    git.Repo(project).git.add("stats.py")
    return project


def commit(project, path: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "commit", "-m", "fix"], cwd=project, env={**os.environ, "PATH": path},
                          capture_output=True, text=True)


def move_installer(project) -> None:
    hook = project / ".git" / "hooks" / "pre-commit"
    hook.write_text(hook.read_text().replace(f"tgfix_python={sys.executable}", f"tgfix_python={GONE}"))


@pytest.mark.slow
def test_runs_the_installing_tgfix_without_tgfix_on_path(hooked):
    committed = commit(hooked, WITHOUT_TGFIX)
    assert committed.returncode == 0, committed.stderr
    assert committed.stderr.strip() == "tgfix: tests 4/4 pass"


@pytest.mark.slow
def test_falls_back_to_path_when_the_installing_tgfix_has_gone(hooked):
    move_installer(hooked)
    committed = commit(hooked, WITH_TGFIX)
    assert committed.returncode == 0, committed.stderr
    assert committed.stderr.splitlines() == [
        f"tgfix hook: {GONE} no longer has tgfix; using {Path(sys.executable).parent / 'tgfix'} from PATH",
        "tgfix: tests 4/4 pass"]


def test_refuses_the_commit_when_there_is_no_tgfix_at_all(hooked):
    move_installer(hooked)
    refused = commit(hooked, WITHOUT_TGFIX)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (f"tgfix hook: tgfix is not installed for {GONE} nor on PATH "
                                      "(pip install tgfix, or commit with --no-verify)")
