"""Writing a file so that a reader, or a crash, only ever sees the old or the new content."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: str | bytes) -> None:
    """Replace path's content (bytes, or text written as UTF-8) in one step, keeping its permissions if it exists."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode() if isinstance(content, str) else content)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def unwritable(path: Path) -> str | None:
    """Why write_atomically(path, ...) would fail, or None: it makes a file beside path and renames
    it over path, so the folder must take a new file and an existing path must be writable (not
    read-only, not immutable)."""
    if path.exists() and not os.access(path, os.W_OK):
        return "it is read-only"
    try:
        tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as error:
        return f"its folder takes no new file ({error.strerror or error})"
    return None
