"""One tgfix run per project at a time: an flock on a file that lives with the project.

The file sits in the project's git directory (`.tgfix/` in the project root outside git), so
every run on the project finds it whatever TMPDIR says; the kernel releases an flock when its
holder dies, even by SIGKILL, so a dead run never blocks the next one. The file stays: removing
it would let a run that opened it just before lock a file no later run can see.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from tgfix import git
from tgfix.errors import TgfixError

LOCK_NAME = "tgfix.lock"


@contextmanager
def run_lock(root: Path):
    """One tgfix run per project at a time; the second is refused with the holder's pid."""
    path = lock_path(root)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise TgfixError(f"another tgfix run is working on {root} (pid {holder}, lock {path})") from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)  # closing the file releases the lock


def lock_path(root: Path) -> Path:
    """The lock file of the project at root: in its git directory, else in `.tgfix/` at root."""
    repo = git.open_repo(root)
    folder = Path(repo.git_dir) if repo else root / ".tgfix"
    folder.mkdir(exist_ok=True)
    return folder / LOCK_NAME
