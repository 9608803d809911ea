"""One tgfix run per project at a time: a lock file naming its holder, taken over when the holder died."""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tgfix.errors import TgfixError


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
