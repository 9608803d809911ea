"""Run a command on a throw-away copy of the project, with the candidate file in place.

The user's tree is only ever read. Each run gets a fresh copy (the code under test may
write or delete anything), a scrubbed environment, resource limits, and a wall-clock
timeout that kills the whole process group.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SKIPPED_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__", ".tox",
                ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tgfix", "build", "dist"}
SECRET_ENV = re.compile(r"(_API_KEY|_API_TOKEN|_TOKEN|_SECRET|_SECRET_KEY|_PASSWORD|_CREDENTIALS)$|^(AWS_|AZURE_|"
                        r"GOOGLE_APPLICATION|VERTEX|ANTHROPIC|OPENAI|COHERE|HF_|HUGGINGFACE|GROQ|MISTRAL|"
                        r"TOGETHER|REPLICATE|DEEPSEEK|GEMINI|XAI_|OPENROUTER|LITELLM)", re.IGNORECASE)
OUTPUT_LIMIT = 200_000  # characters of stdout/stderr kept


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 300.0
    cpu_seconds: int = 600
    memory_bytes: int = 4 << 30
    file_bytes: int = 256 << 20
    processes: int = 512


@dataclass(frozen=True)
class RunResult:
    returncode: int
    output: str
    seconds: float
    timed_out: bool


def scrubbed_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not SECRET_ENV.search(name)}
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"})
    env.update(extra or {})
    return env


def copy_project(root: Path, destination: Path) -> None:
    shutil.copytree(root, destination, symlinks=True, dirs_exist_ok=True,
                    ignore=lambda _dir, names: [n for n in names if n in SKIPPED_DIRS])


def _limit_resources(limits: Limits):
    def apply():
        for kind, value in ((resource.RLIMIT_CPU, limits.cpu_seconds), (resource.RLIMIT_AS, limits.memory_bytes),
                            (resource.RLIMIT_FSIZE, limits.file_bytes)):
            resource.setrlimit(kind, (value, value))
        if os.getuid() != 0:  # root ignores RLIMIT_NPROC; counting is per user, so only meaningful unprivileged
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    return apply


def run(command: list[str], cwd: Path, limits: Limits = Limits(), env: dict[str, str] | None = None) -> RunResult:
    """Run command in its own process group; on timeout kill the whole group."""
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+b") as sink:
        process = subprocess.Popen(command, cwd=cwd, env=scrubbed_env(env), stdin=subprocess.DEVNULL,
                                   stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=_limit_resources(limits))
        try:
            process.wait(timeout=limits.wall_seconds)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(process)
        sink.seek(0)
        output = sink.read(OUTPUT_LIMIT).decode(errors="replace")
    return RunResult(process.returncode, output, time.monotonic() - started, timed_out)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


class Sandbox:
    """A temporary copy of the project root, removed on exit (also on Ctrl-C or a crash)."""

    def __init__(self, root: Path):
        self.root = root
        self.path: Path | None = None

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="tgfix-"))
        copy_project(self.root, self.path)
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
