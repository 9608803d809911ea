"""Git side effects: commit only FILE, leave the user's index and other changes exactly as they were."""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import git

from tgfix.errors import TgfixError


def open_repo(path: Path) -> git.Repo | None:
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def check_committable(repo: git.Repo, file: Path, allow_dirty: bool) -> None:
    """Refuse what would mix tgfix's commits with the user's own work."""
    if repo.head.is_detached:
        raise TgfixError("HEAD is detached: check out a branch first, or pass --no-commit")
    relative = _relative(repo, file)
    if allow_dirty:
        return
    if relative not in _tracked(repo, relative):
        raise TgfixError(f"{relative} is not tracked by git: commit it first, or pass --no-commit or --allow-dirty")
    if repo.git.status("--porcelain", "--", relative):
        raise TgfixError(f"{relative} has uncommitted changes: commit or stash them, "
                         "or pass --allow-dirty (tgfix's commits will then include them)")


def is_ignored(repo: git.Repo, path: Path) -> bool:
    try:
        repo.git.check_ignore("--quiet", "--", str(path.resolve()))
    except git.GitCommandError:  # status 1: not ignored; 128: outside the repository
        return False
    return True


def commit_file(repo: git.Repo, file: Path, message: str) -> str:
    """Commit FILE's working-tree content alone; other staged changes stay staged, hooks are skipped."""
    relative = _relative(repo, file)
    if relative not in _tracked(repo, relative):
        repo.git.add("--", relative)
    repo.git.commit("--only", "--no-verify", "-m", message, "--", relative)
    return repo.head.commit.hexsha


def _tracked(repo: git.Repo, relative: str) -> list[str]:
    return repo.git.ls_files("--", relative).splitlines()


def _relative(repo: git.Repo, file: Path) -> str:
    return file.resolve().relative_to(Path(repo.working_tree_dir).resolve()).as_posix()


@contextmanager
def run_lock(root: Path):
    """One tgfix run per project at a time; a lock left by a dead process is taken over."""
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"tgfix-{digest}.lock"
    _acquire(path, root)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _acquire(path: Path, root: Path) -> None:
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            if _holder_alive(path):
                raise TgfixError(f"another tgfix run is working on {root} (lock {path})") from None
            path.unlink(missing_ok=True)
            continue
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        return
    raise TgfixError(f"could not take the lock {path}")


def _holder_alive(path: Path) -> bool:
    try:
        os.kill(int(path.read_text()), 0)
    except PermissionError:  # alive, another user's
        return True
    except (ValueError, OSError):
        return False
    return True
