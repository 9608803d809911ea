"""Run a command on a throw-away copy of the project, with the candidate file in place.

The user's tree is only ever read. Each run gets a fresh copy (the code under test may
write or delete anything), an environment of only what every test suite needs (an allowlist,
and the variables Access names), resource limits, and a wall-clock timeout after which
everything it started is killed. Where Linux allows it, a run also gets its own network
namespace (no way out, a private loopback; unless Access keeps the machine's network), its own
PID namespace with its own /proc (tgfix's environment and command line are out of sight) and a
bound on its process count. Test output is redacted of every known key. This guards against
accidents (an infinite loop, a fork bomb, a test that calls a real service, a candidate that
reads what it finds), not against code written to escape.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import fnmatch
import functools
import itertools
import os
import re
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from tgfix.errors import TgfixError

SKIPPED_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache",
                ".pytest_cache", ".ruff_cache", ".tgfix"}  # and every virtualenv, whatever its name
SECRET_ENV = re.compile(
    r"(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)(_|$)"  # MY_TOKEN, SSH_AUTH_SOCK...
    r"|^(AWS|AZURE|GOOGLE|GCP|VERTEX|VERTEXAI|OPENAI|ANTHROPIC|COHERE|GROQ|MISTRAL|TOGETHER|TOGETHERAI|REPLICATE|"
    r"DEEPSEEK|GEMINI|XAI|OPENROUTER|LITELLM)_"  # model providers and clouds: every variable
    r"|^(PGPASSWORD|MYSQL_PWD)$", re.IGNORECASE)
# What every test suite needs of the user's environment (and nothing that looks like a secret among
# them); anything else only by name, with --pass-env. Proxies are not in it: their URLs may carry a
# password, and the network is cut by default anyway.
ALLOWED_ENV = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR",
               "PY_COLORS", "LANG", "LANGUAGE", "LC_*", "TZ", "TZDIR", "TMPDIR", "TEMP", "TMP", "XDG_*",
               "PYTHON*", "VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "CI", "LD_LIBRARY_PATH",
               "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
OUTPUT_LIMIT = 200_000  # characters of stdout/stderr kept

CLONE_NEWNET, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNS = 0x40000000, 0x10000000, 0x20000000, 0x00020000
INIT = str(Path(__file__).with_name("sandbox_init.py"))  # PID 1 of a run in its own PID namespace
REDACTED = "[redacted]"
SHORTEST_SECRET = 8  # characters: shorter values of secret-looking variables (a "1", a "true") are not keys
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
PIDS_CGROUP = "a pids cgroup"
NPROC_IN_USER_NAMESPACE = "RLIMIT_NPROC in a user namespace"


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


@dataclass(frozen=True)
class Access:
    """What of the user's machine a run may use beyond the allowlist: more variables, the network."""

    env: tuple[str, ...] = ()  # names or patterns (DB_*) of variables passed as they are (--pass-env)
    network: bool = False      # keep this machine's network: services on localhost, and beyond (--network)

    def passes(self, name: str) -> bool:
        """Whether the variable `name` reaches the tests."""
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.env):
            return True
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in ALLOWED_ENV) and not SECRET_ENV.search(name)

    def describe(self) -> str:
        """Which variables the tests see, by name only: the values of passed variables are never shown."""
        passed = f"; and, passed: {', '.join(self.env)}" if self.env else " (--pass-env NAME for more)"
        return f"environment: only {', '.join(ALLOWED_ENV)}{passed}"


@dataclass(frozen=True)
class Isolation:
    """What this machine lets the sandbox add to the resource limits and the timeout."""

    network: bool   # each run can have its own network namespace
    processes: str  # what bounds the number of processes, "" if nothing
    hidden: bool = False  # each run has its own PID namespace and /proc: tgfix's processes are out of sight

    def cuts_network(self, access: Access) -> bool:
        return self.network and not access.network

    def describe(self, access: Access = Access()) -> str:
        network = ("network kept (--network): this machine's services and beyond are reachable" if access.network
                   else "network cut (own network namespace)" if self.network
                   else "network NOT cut (no network namespace here)")
        processes = (f"process count bounded by {self.processes}" if self.processes
                     else "process count NOT bounded (the timeout still kills every run)")
        hidden = ("tgfix's processes hidden (own PID namespace and /proc)" if self.hidden
                  else "tgfix's processes VISIBLE (no PID namespace here: tests can read tgfix's "
                       "/proc/<pid>/environ and cmdline; keys are still redacted from their output)")
        return f"sandbox: {network}; {processes}; {hidden}"


@functools.cache
def isolation() -> Isolation:
    """Probe once per process what confinement works here; runs fall back silently to what does."""
    network = _starts(lambda: _enter_namespaces(network=True))
    if os.geteuid() == 0:  # root ignores RLIMIT_NPROC, so a pids cgroup is the only bound
        processes = PIDS_CGROUP if _pids_cgroup_works() else ""
    else:  # in its own user namespace, RLIMIT_NPROC counts only the run's processes (Linux >= 5.14)
        processes = NPROC_IN_USER_NAMESPACE if network and _kernel_at_least(5, 14) else ""
    hidden = network and _starts(functools.partial(_enter_namespaces, network=True, own_pids=True),
                                 in_own_pids=True)
    return Isolation(network, processes, hidden)


def scrubbed_env(extra: dict[str, str] | None = None, access: Access = Access()) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if access.passes(name)}
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"})
    env.update(extra or {})
    return env


def known_secrets() -> frozenset[str]:
    """The keys tgfix knows of: those given to it (keep_secret) and its environment's credentials."""
    found = {value for name, value in os.environ.items() if SECRET_ENV.search(name)} | _kept
    return frozenset(value for value in found if len(value) >= SHORTEST_SECRET)


_kept: set[str] = set()


def keep_secret(value: str) -> None:
    """A key tgfix got from elsewhere than its environment (--api-key): redact it from test output too."""
    _kept.add(value)


def redact(text: str) -> str:
    """text from the code under test with every known key replaced, the longest first (one may hold another)."""
    for secret in sorted(known_secrets(), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def copy_project(root: Path, destination: Path) -> None:
    shutil.copytree(root, destination, symlinks=True, dirs_exist_ok=True, ignore=_skipped)


def files_under(path: Path) -> list[Path]:
    """The files at or below path that a copy of the project would hold."""
    if not path.is_dir():
        return [path] if path.is_file() else []
    found = []
    for directory, subdirectories, files in os.walk(path):
        skipped = _skipped(directory, subdirectories)
        subdirectories[:] = [name for name in subdirectories if name not in skipped]
        found += [Path(directory, name) for name in files if Path(directory, name).is_file()]
    return found


def _skipped(directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n in SKIPPED_DIRS or os.path.exists(os.path.join(directory, n, "pyvenv.cfg"))]


class Sandbox:
    """A temporary copy of the project root, removed on exit (also on Ctrl-C or a crash).

    Folders `beside` the root (tests outside the project) are copied where they lie relative to it,
    so that ../tests reaches their copy from the root's, and their own ../project reaches the copy.
    """

    def __init__(self, root: Path, beside: tuple[Path, ...] = ()):
        self.root = root
        self.beside = beside
        self.path: Path | None = None
        self.workdir: Path | None = None  # the root's copy

    def __enter__(self) -> Path:
        where = copies_directory(self.root) or tempfile.gettempdir()
        top = Path(os.path.commonpath([self.root, *self.beside]))
        try:
            self.path = Path(tempfile.mkdtemp(prefix="tgfix-", dir=where))
            for folder in self.beside:
                copy_project(folder, self.path / folder.relative_to(top))
            copy_project(self.root, self.path / self.root.relative_to(top))
        except OSError as error:  # shutil.Error, of every file copytree could not copy, is one too
            self.__exit__()
            raise TgfixError(f"cannot copy the project into {where} to run the tests: {_copy_error(error)}") from None
        except BaseException:
            self.__exit__()
            raise
        self.workdir = self.path / self.root.relative_to(top)
        return self.workdir

    def __exit__(self, *exc) -> None:
        if self.path:
            shutil.rmtree(self.path, ignore_errors=True)

    def relative(self, text: str) -> str:
        """text with every path into the copy made relative to the root, as pytest writes its own
        (`pkg/mod.py`, `../tests/test_mod.py`): the copy's folder is new each run, and a failure that
        quotes it (a module's __file__) would read differently every time, to the model and its cache."""
        if not self.path or not self.workdir:
            return text
        up = "../" * len(self.workdir.relative_to(self.path).parts)
        for copy, root in dict.fromkeys([(self.path, self.workdir), (self.path.resolve(), self.workdir.resolve())]):
            text = re.sub(re.escape(str(root)) + r"(/|(?![\w.-]))", lambda m: "" if m[1] else ".", text)
            text = re.sub(re.escape(str(copy)) + r"(/|(?![\w.-]))", lambda m: up if m[1] else up[:-1], text)
        return text


def _copy_error(error: OSError) -> str:
    """The first reason the copy failed, with what to do when the folder is full."""
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list):
        reason = str(error.args[0][0][2])  # (source, destination, why) of the first file
    else:
        reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left" in reason or "quota exceeded" in reason:
        return "no space left there: free some, or set TMPDIR to a folder with room"
    return reason


def copies_directory(root: Path) -> str | None:
    """Where the copies go: an explicit TMPDIR, else a RAM disk with room, else the temp directory.

    A copy of a large project on a RAM disk costs a fraction of one on disk, where writeback
    of the copies made before slows each new one down.
    """
    if os.environ.get("TMPDIR"):
        return None
    return _ram_disk_with_room(root)


@functools.lru_cache(maxsize=None)
def _ram_disk_with_room(root: Path) -> str | None:
    try:
        needed = 4 * sum(f.stat().st_size for f in files_under(root)) + (64 << 20)
    except OSError:  # a file vanished while we looked: the project is changing, stay on disk
        return None
    for candidate in ("/dev/shm", os.environ.get("XDG_RUNTIME_DIR")):
        if candidate and _is_ram_disk(candidate) and os.access(candidate, os.W_OK | os.X_OK):
            stats = os.statvfs(candidate)
            if not stats.f_flag & os.ST_NOEXEC and stats.f_bavail * stats.f_frsize >= needed:
                return candidate
    return None


def _is_ram_disk(path: str) -> bool:
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    return any(fields[1] == path and fields[2] == "tmpfs" for fields in map(str.split, mounts) if len(fields) > 2)


def write(workdir: Path, relative: str, content: str | bytes) -> None:
    """Put the candidate (the file's bytes, or text as UTF-8) into the copy: never outside it, never
    through a symlink."""
    target = workdir / relative
    if Path(relative).is_absolute() or target.resolve() != workdir.resolve() / relative:
        raise TgfixError(f"refusing to write {relative}: it resolves outside the project (a symlink?)")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content.encode() if isinstance(content, str) else content)


# -----------------------------------------------------------------------------
# running


class Processes:
    """The runs under way of one owner (a loss function's test runs), which stop() ends: those of other
    threads after Ctrl-C, whose owners then clean up."""

    def __init__(self) -> None:
        self._running: set[subprocess.Popen] = set()
        self._lock = threading.Lock()

    def add(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._running.add(process)

    def discard(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._running.discard(process)

    def stop(self) -> None:
        with self._lock:
            running = list(self._running)
        for process in running:
            _kill_group(process.pid)


def run(command: list[str], cwd: Path, limits: Limits = Limits(), env: dict[str, str] | None = None,
        access: Access = Access(), processes: Processes | None = None) -> RunResult:
    """Run command confined, in its own process group; when it ends or times out, kill all it started.
    The output is redacted of every known key. With `processes`, the run is among them while it lasts."""
    confined = isolation()
    cut = confined.cuts_network(access)
    if confined.hidden:
        command = _under_init(command)
    started = time.monotonic()
    bound = _pids_cgroup(limits.processes) if confined.processes == PIDS_CGROUP else nullcontext()
    with tempfile.TemporaryFile(mode="w+b") as sink, bound as cgroup:
        process = subprocess.Popen(command, cwd=cwd, env=scrubbed_env(env, access), stdin=subprocess.DEVNULL,
                                   stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=_confine(limits, confined, cgroup, cut))
        kind = "net" if cut else "user" if confined.processes == NPROC_IN_USER_NAMESPACE else None
        namespace = _own_namespace(process.pid, kind) if kind else None
        if processes:
            processes.add(process)
        try:
            process.wait(timeout=limits.wall_seconds)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(process.pid)
            process.wait()
            if namespace:  # also what left the process group with setsid()
                _kill_until_gone(lambda: _namespace_members(namespace, kind))
            if processes:
                processes.discard(process)
        sink.seek(0)
        output = redact(sink.read(OUTPUT_LIMIT).decode(errors="replace"))
    return RunResult(process.returncode, output, time.monotonic() - started, timed_out)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _kill_until_gone(members) -> None:
    """SIGKILL members() until there are none left: they may fork meanwhile."""
    for _ in range(500):
        pids = members()
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)


def _confine(limits: Limits, confined: Isolation, cgroup: Path | None, cut_network: bool):
    def apply():  # in the child, between fork and exec
        if cgroup:
            (cgroup / "cgroup.procs").write_text("0")
        for kind, value in ((resource.RLIMIT_CPU, limits.cpu_seconds), (resource.RLIMIT_AS, limits.memory_bytes),
                            (resource.RLIMIT_FSIZE, limits.file_bytes), (resource.RLIMIT_CORE, 0)):
            _set_limit(kind, value)
        if confined.network:  # with the network kept, the user namespace alone: it bounds the process count
            _enter_namespaces(network=cut_network, own_pids=confined.hidden)
        if confined.processes == NPROC_IN_USER_NAMESPACE:  # after unshare, or it would cap the user's own count
            _set_limit(resource.RLIMIT_NPROC, limits.processes)
    return apply


def _under_init(command: list[str]) -> list[str]:
    """command run by INIT; the user's own ids go along when a user namespace made INIT root (not as root)."""
    ids = "-" if os.geteuid() == 0 else f"{os.getuid()}:{os.getgid()}"
    return [sys.executable, "-I", "-S", INIT, ids, *command]


def _set_limit(kind: int, value: int) -> None:
    hard = resource.getrlimit(kind)[1]
    if hard != resource.RLIM_INFINITY:  # only root may raise a hard limit: keep the user's if lower
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def _starts(preexec, in_own_pids: bool = False) -> bool:
    command = [sys.executable, "-S", "-c", ""]
    try:
        subprocess.run(_under_init(command) if in_own_pids else command, preexec_fn=preexec, check=True, timeout=30,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


# -----------------------------------------------------------------------------
# Linux: network namespace, pids cgroup


def _enter_namespaces(network: bool, own_pids: bool = False) -> None:
    """With `network`, a new network namespace with only loopback, brought up so tests can still serve
    to themselves. Unprivileged users get a user namespace (for it, and for RLIMIT_NPROC to count only
    the run's processes); mapping their own ids keeps them who they are. With own_pids, also new PID
    and mount namespaces, for the children of INIT (which mounts their /proc)."""
    uid, gid = os.getuid(), os.getgid()
    flags = ((CLONE_NEWNET if network else 0) | (CLONE_NEWPID | CLONE_NEWNS if own_pids else 0)
             | (CLONE_NEWUSER if os.geteuid() != 0 else 0))
    if not flags:
        return
    if _libc().unshare(flags) != 0:
        raise OSError(ctypes.get_errno(), "unshare failed")
    if flags & CLONE_NEWUSER:  # INIT must be root in here to mount /proc; it gives the command the user's ids back
        inside_uid, inside_gid = (0, 0) if own_pids else (uid, gid)
        for name, text in (("setgroups", "deny"), ("uid_map", f"{inside_uid} {uid} 1"),
                           ("gid_map", f"{inside_gid} {gid} 1")):
            Path("/proc/self", name).write_text(text)
    if not network:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as ioctl_socket:
        flags = struct.unpack("16sh", fcntl.ioctl(ioctl_socket, SIOCGIFFLAGS, struct.pack("16sh", b"lo", 0)))[1]
        fcntl.ioctl(ioctl_socket, SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | IFF_UP))


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _kernel_at_least(major: int, minor: int) -> bool:
    found = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return bool(found) and (int(found[1]), int(found[2])) >= (major, minor)


_serial = itertools.count()


def _pids_cgroup_works() -> bool:
    try:
        with _pids_cgroup(8) as cgroup:
            return _starts(lambda: (cgroup / "cgroup.procs").write_text("0"))
    except OSError:
        return False


@contextmanager
def _pids_cgroup(limit: int):
    """A fresh pids cgroup under our own: every process in it counts, setsid() does not leave it,
    and on exit all of them are killed."""
    path = _own_pids_cgroup() / f"tgfix-{os.getpid()}-{next(_serial)}"
    path.mkdir()
    try:
        (path / "pids.max").write_text(str(limit))
        yield path
    finally:
        _kill_until_gone(lambda: [int(pid) for pid in (path / "cgroup.procs").read_text().split()])
        _remove_cgroup(path)


def _own_pids_cgroup() -> Path:
    """Where this process sits in the pids hierarchy: cgroup v1 (a pids line) or v2 (the 0:: line)."""
    v2 = None
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "pids" in controllers.split(","):
            return Path("/sys/fs/cgroup/pids", path.lstrip("/"))
        if not controllers and Path("/sys/fs/cgroup/cgroup.controllers").exists():
            v2 = Path("/sys/fs/cgroup", path.lstrip("/"))
    if v2 is None:
        raise OSError("no pids cgroup")
    return v2


def _remove_cgroup(cgroup: Path) -> None:
    for _ in range(500):
        try:
            cgroup.rmdir()
            return
        except OSError:  # the last processes are still exiting
            time.sleep(0.01)


def _own_namespace(pid: int, kind: str) -> tuple[int, int] | None:
    """The namespace of `kind` (net, user) pid runs in, unless it is tgfix's own: every process in it
    can then be killed."""
    theirs = _namespace(pid, kind)
    return theirs if theirs != _namespace(os.getpid(), kind) else None


def _namespace(pid: int, kind: str) -> tuple[int, int] | None:
    try:
        found = os.stat(f"/proc/{pid}/ns/{kind}")
    except OSError:  # already gone
        return None
    return found.st_dev, found.st_ino


def _namespace_members(namespace: tuple[int, int], kind: str) -> list[int]:
    pids = [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    return [pid for pid in pids if _namespace(pid, kind) == namespace]
