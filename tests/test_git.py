"""Commits touch only FILE; the user's staged and unstaged work stays exactly as it was."""

import git as gitpython
import pytest

from tgfix import git
from tgfix.lock import run_lock
from tgfix.errors import TgfixError


@pytest.fixture
def repo(project):
    (project / "notes.txt").write_text("v1\n")
    (project / "other.py").write_text("x = 1\n")
    r = gitpython.Repo(project)
    r.git.add(A=True)
    r.git.commit("-m", "more files")
    return r


def test_commit_only_file_keeps_user_changes(repo, project):
    (project / "notes.txt").write_text("v2 staged\n")
    repo.git.add("notes.txt")
    (project / "other.py").write_text("x = 2  # unstaged\n")
    staged_before = repo.git.diff("--cached")
    (project / "stats.py").write_text("# repaired\n")

    git.commit_file(repo, project / "stats.py", "tgfix: repair (tests 2/4 -> 4/4)")

    assert list(repo.head.commit.stats.files) == ["stats.py"]
    assert repo.git.diff("--cached") == staged_before
    assert (project / "other.py").read_text() == "x = 2  # unstaged\n"
    assert repo.git.status("--porcelain", "--", "stats.py") == ""


def test_commit_skips_hooks(repo, project):
    hook = project / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    (project / "stats.py").write_text("# repaired\n")
    git.commit_file(repo, project / "stats.py", "tgfix: repair")
    assert repo.head.commit.message.startswith("tgfix: repair")


def test_dirty_file_refused_unless_allowed(repo, project):
    (project / "stats.py").write_text("# my own edit\n")
    with pytest.raises(TgfixError, match="uncommitted changes"):
        git.check_committable(repo, project / "stats.py", allow_dirty=False)
    git.check_committable(repo, project / "stats.py", allow_dirty=True)


def test_untracked_file_refused(repo, project):
    (project / "new.py").write_text("y = 1\n")
    with pytest.raises(TgfixError, match="not tracked"):
        git.check_committable(repo, project / "new.py", allow_dirty=False)


def test_detached_head_refused(repo, project):
    repo.git.checkout("--detach")
    with pytest.raises(TgfixError, match="detached"):
        git.check_committable(repo, project / "stats.py", allow_dirty=False)


def test_second_run_refused_while_locked(project):
    with run_lock(project):
        with pytest.raises(TgfixError, match="another tgfix run"):
            with run_lock(project):
                pass
    with run_lock(project):  # released
        pass
