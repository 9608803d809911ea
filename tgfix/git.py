"""Git side effects: commit only FILE, leave the user's index and other changes exactly as they were."""

from __future__ import annotations

import os
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


def check_identity(repo: git.Repo) -> None:
    """Commits need an author: checked before any model call, not after the work."""
    for key, variable in (("name", "GIT_AUTHOR_NAME"), ("email", "GIT_AUTHOR_EMAIL")):
        if os.environ.get(variable):
            continue
        try:
            repo.git.config("--get", f"user.{key}")
        except git.GitCommandError:
            raise TgfixError(f"git has no user.{key}: set it (git config user.{key} ...), "
                             "or pass --no-commit") from None


def is_ignored(repo: git.Repo, path: Path) -> bool:
    try:
        repo.git.check_ignore("--quiet", "--", str(path.resolve()))
    except git.GitCommandError:  # status 1: not ignored; 128: outside the repository
        return False
    return True


def ignored(repo: git.Repo, paths: list[Path]) -> set[Path]:
    """Those of paths that git ignores, in one call."""
    if not paths:
        return set()
    listed = repo.git.check_ignore("--", *(str(path.resolve()) for path in paths), with_exceptions=False,
                                   strip_newline_in_stdout=False)
    found = {Path(name) for name in listed.splitlines() if name}  # status 1 (none ignored): nothing listed
    return {path for path in paths if path.resolve() in found}


def commit_file(repo: git.Repo, file: Path, message: str) -> str:
    """Commit FILE's working-tree content alone; other staged changes stay staged, hooks are skipped."""
    relative = _relative(repo, file)
    if relative not in _tracked(repo, relative):
        repo.git.add("--", relative)
    repo.git.commit("--only", "--no-verify", "-m", message, "--", relative)
    return repo.head.commit.hexsha


def _tracked(repo: git.Repo, relative: str) -> list[str]:
    return [name for name in repo.git.ls_files("-z", "--", relative).split("\0") if name]  # -z: names unquoted


def _relative(repo: git.Repo, file: Path) -> str:
    return file.resolve().relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
