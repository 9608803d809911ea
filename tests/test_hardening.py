"""Hardening: the sandbox, bad input, interruption. Nothing of the user's is lost, nothing leaks.

Sandbox tests use small limits and bounded workloads, so that even a broken sandbox cannot
take down a small shared machine.
"""

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import git
import pytest

from fake_openai import FakeOpenAI
from conftest import BUGGY_STATS, FIXED_STATS, STATS_TESTS, cli, commit_all, fenced, require_isolation
from tgfix import llm, sandbox
from tgfix import git as tgfix_git
from tgfix.lock import run_lock
from tgfix.errors import TgfixError
from tgfix.runner import TestSpec, run_tests
from tgfix.sandbox import Limits

LINUX = sys.platform.startswith("linux")


@pytest.fixture(autouse=True)
def fast_sandboxed_pytest(monkeypatch):
    """Sandboxed pytest runs skip the entry-point plugins installed here (hypothesis alone takes a second)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A temp folder of our own, so "nothing left behind" is not confused by other runs on the machine."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))  # an explicit TMPDIR wins over a RAM disk
    return folder


def tgfix(*args, model="openai/scripted"):
    return cli("solve", *args, "--model", model)


def run_python(code: str, cwd: Path, limits: Limits) -> sandbox.RunResult:
    return sandbox.run([sys.executable, "-c", code], cwd, limits)


# -----------------------------------------------------------------------------
# the copy


def test_sandbox_is_a_copy_outside_the_tree_and_is_removed_on_ctrl_c(project, private_tmp):
    with pytest.raises(KeyboardInterrupt):
        with sandbox.Sandbox(project) as copy:
            assert copy.parent == private_tmp
            assert (copy / "stats.py").read_text() == BUGGY_STATS
            assert not (copy / ".git").exists()
            raise KeyboardInterrupt
    assert list(private_tmp.iterdir()) == []


def test_copies_go_to_a_ram_disk_unless_tmpdir_says_otherwise(project, monkeypatch):
    mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    if ["/dev/shm", "tmpfs"] not in mounts:
        pytest.skip("no RAM disk at /dev/shm on this machine")
    monkeypatch.delenv("TMPDIR", raising=False)
    with sandbox.Sandbox(project) as copy:
        assert copy.parent == Path("/dev/shm") and (copy / "stats.py").read_text() == BUGGY_STATS
    assert not copy.exists()
    monkeypatch.setenv("TMPDIR", "/var/tmp")
    assert sandbox.copies_directory(project) is None


def test_interrupted_copy_leaves_nothing(project, private_tmp, monkeypatch):
    def copy_half_then_interrupt(root, destination):
        (destination / "stats.py").write_text(BUGGY_STATS)
        raise KeyboardInterrupt

    monkeypatch.setattr(sandbox, "copy_project", copy_half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        with sandbox.Sandbox(project):
            pass
    assert list(private_tmp.iterdir()) == []


def test_copy_skips_virtualenvs_by_content_not_by_name(tmp_path):
    for folder in ("env", ".venv", "tools/myvenv"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "env" / "settings.py").write_text("DEBUG = False\n")  # a package that happens to be called env
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "tools" / "myvenv" / "pyvenv.cfg").write_text("home = /usr\n")
    with sandbox.Sandbox(tmp_path) as copy:
        assert (copy / "env" / "settings.py").exists()
        assert not (copy / ".venv").exists() and not (copy / "tools" / "myvenv").exists()


def test_candidate_is_never_written_through_a_symlink_or_outside_the_copy(tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text("precious = True\n")
    workdir = tmp_path / "copy"
    workdir.mkdir()
    (workdir / "link.py").symlink_to(outside)
    (workdir / "linked_dir").symlink_to(tmp_path)
    for relative in ("link.py", "linked_dir/outside.py", "../outside.py", str(outside)):
        with pytest.raises(TgfixError, match="resolves outside the project"):
            sandbox.write(workdir, relative, "precious = False\n")
    assert outside.read_text() == "precious = True\n"


# -----------------------------------------------------------------------------
# the environment


def test_secret_variable_names():
    secret = ["OPENAI_API_KEY", "MY_SERVICE_TOKEN", "AWS_PROFILE", "AWS_SECRET_ACCESS_KEY", "GH_TOKEN", "HF_TOKEN",
              "WATSONX_APIKEY", "SSH_AUTH_SOCK", "PGPASSWORD", "DB_PASSWORD", "GOOGLE_APPLICATION_CREDENTIALS",
              "AZURE_API_BASE", "ANTHROPIC_BASE_URL", "LITELLM_MASTER_KEY", "client_secret",
              "ACTIONS_ID_TOKEN_REQUEST_URL"]
    kept = ["PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV", "HF_HOME", "TOKENIZERS_PARALLELISM", "KEYMAP",
            "TGFIX_TEST_TIMEOUT", "XAUTHORITY"]
    assert [name for name in secret if not sandbox.SECRET_ENV.search(name)] == []
    assert [name for name in kept if sandbox.SECRET_ENV.search(name)] == []


PLANTED = {"OPENAI_API_KEY": "sk-planted", "MY_SERVICE_TOKEN": "planted-token", "AWS_ACCESS_KEY_ID": "AKIAPLANTED",
           "ANTHROPIC_API_KEY": "sk-ant-planted", "SSH_AUTH_SOCK": "/tmp/planted-agent.sock"}

ENV_TEST = f"""\
import os

def test_no_credentials_reach_the_code_under_test():
    print("sees:", sorted(os.environ))
    assert [name for name in {sorted(PLANTED)!r} if name in os.environ] == []
    assert not any("planted" in value.lower() for value in os.environ.values())
    assert os.environ["TZ"] == "kept"  # on the allowlist
    assert "HARMLESS_SETTING" not in os.environ  # not on it: only with --pass-env
"""


def test_credentials_are_scrubbed_from_the_code_under_test(tmp_path, monkeypatch):
    for name, value in {**PLANTED, "HARMLESS_SETTING": "kept", "TZ": "kept"}.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "mod.py").write_text("")
    (tmp_path / "test_env.py").write_text(ENV_TEST)
    report, _ = run_tests(TestSpec(tmp_path, ("test_env.py",)), {"mod.py": ""})
    assert report.all_passed, report.output
    assert "planted" not in report.output.lower()


# A candidate that reads every process it can see, and fails with the keys it found: what
# it finds reaches the model as the failure's message.
SNOOPING_STATS = BUGGY_STATS.replace("    best = xs[0]", "    _snoop()\n    best = xs[0]") + """

def _snoop():
    import os, re
    keys = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        for name in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as found:
                    keys |= set(re.findall(rb"sk-[A-Za-z0-9-]+", found.read()))
            except OSError:
                pass
    if keys:  # reversed too: no redaction recognises that, only not seeing the key helps
        raise RuntimeError(f"snooped: {sorted(keys)} reversed: {[key[::-1] for key in sorted(keys)]}")
"""


@pytest.mark.slow
def test_the_key_stays_hidden_from_the_code_under_test(project):
    """A candidate reads tgfix's /proc/<pid>/environ and cmdline; neither the key nor any
    disguise of it reaches a prompt, the report or the terminal."""
    key, provider_key = "sk-flag-4Rt9xQ2mZ7", "sk-env-8Kp3wV6nB1"
    (project / "stats.py").write_text(SNOOPING_STATS)
    commit_all(project, "a snooping file")
    env = {**os.environ, "OPENAI_API_KEY": provider_key}
    with FakeOpenAI([fenced(FIXED_STATS)]) as fake:
        result = subprocess.run([sys.executable, "-m", "tgfix.cli", "solve", "stats.py", "--model", "openai/x",
                                 "--api-base", fake.base_url, "--api-key", key, "--gradient", "never",
                                 "--no-localize", "--max-iters", "1", "--report", "run.json", "-v"],
                                cwd=project, env=env, capture_output=True, text=True, timeout=300)
    seen = [result.stdout, result.stderr, (project / "run.json").read_text(), json.dumps(fake.requests)]
    assert "largest" in json.dumps(fake.requests), result.stdout + result.stderr  # its tests' failures were shown
    for secret in (key, provider_key):
        for disguise in (secret, secret[::-1]):
            assert [text for text in seen if disguise in text] == [], disguise


# Run by an unprivileged user with a marker in its command line: what a sandboxed process finds of it.
AS_A_USER = """\
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from tgfix import sandbox
MARKER = sys.argv[2].encode().hex()  # so that the sandboxed command's own command line does not hold it
LOOK = "import os; print(os.getuid(), [p for p in os.listdir('/proc') if p.isdigit() and "
LOOK += f"bytes.fromhex('{MARKER}') in open(f'/proc/{{p}}/cmdline', 'rb').read()])"
print(sandbox.isolation().describe())
print(sandbox.run([sys.executable, "-c", LOOK], Path("/")).output)
"""


SYSTEM_PYTHON = "/usr/bin/python3"  # one another user may run (this one may live in root's home); stdlib is enough


@pytest.mark.skipif(not LINUX or os.geteuid() != 0 or not shutil.which("setpriv") or not os.path.exists(SYSTEM_PYTHON),
                    reason="needs root to become another user, and a system Python")
def test_without_root_the_sandbox_hides_tgfix_too_and_keeps_the_users_ids():
    result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", SYSTEM_PYTHON, "-I",
                             "-c", AS_A_USER, str(Path(sandbox.__file__).parent.parent), "tgfix-marker-of-the-parent"],
                            capture_output=True, text=True, timeout=120, cwd="/")
    assert "tgfix's processes hidden" in result.stdout, result.stdout + result.stderr
    assert "65534 []" in result.stdout, result.stdout + result.stderr  # its own ids, and no process of tgfix's


@pytest.mark.slow
def test_known_keys_are_redacted_from_test_output(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-in-tgfix-env")
    sandbox.keep_secret("sk-given-by-flag")
    (tmp_path / "mod.py").write_text("")
    (tmp_path / "test_keys.py").write_text(
        "def test_keys():\n    print('sk-ant-in-tgfix-env and sk-given-by-flag')\n"
        "    assert 'sk-given-by-flag' == 'sk-ant-in-tgfix-env'\n")
    report, _ = run_tests(TestSpec(tmp_path, ("test_keys.py",)), {"mod.py": ""})
    [case] = report.failures
    texts = (case.message, case.traceback, report.output)
    assert all("sk-" not in text for text in texts) and sandbox.REDACTED in case.message, texts


# -----------------------------------------------------------------------------
# the network


def unshare_available() -> bool:
    command = ["unshare", "--net", "true"] if os.geteuid() == 0 else ["unshare", "-rn", "true"]
    return shutil.which("unshare") is not None and subprocess.run(command, capture_output=True).returncode == 0


CONNECT = """\
import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=3)
    print("reached the outside listener")
except OSError as error:
    print("outside listener unreachable:", error)
own = socket.create_server(("127.0.0.1", 0))
socket.create_connection(own.getsockname(), timeout=3)
print("own loopback works")
"""


def test_network_is_cut_but_loopback_works(tmp_path):
    require_isolation(LINUX and unshare_available(), "no network namespaces on this machine")
    assert sandbox.isolation().network
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        result = run_python(CONNECT.format(port=port), tmp_path, Limits(wall_seconds=20))
    assert "outside listener unreachable" in result.output, result.output
    assert "own loopback works" in result.output, result.output


# -----------------------------------------------------------------------------
# limits


HUNG = Limits(wall_seconds=3, file_bytes=1 << 20)


@pytest.mark.parametrize("candidate, limits", [
    ("while True:\n    pass\n", HUNG),  # at import time, where the per-test timeout does not reach
    ("def largest(xs):\n    while True:\n        pass\n", Limits(cpu_seconds=1, wall_seconds=20)),
    ("def largest(xs):\n    return len(bytearray(10 << 30))\n", HUNG),  # 10 GB, with the default memory limit
    ("def largest(xs):\n    while True:\n        print('x' * 65536)\n", HUNG),  # output flood
], ids=["loop-at-import", "cpu", "10GB", "output-flood"])
@pytest.mark.slow
def test_runaway_candidate_fails_instead_of_hanging(tmp_path, candidate, limits):
    (tmp_path / "stats.py").write_text(BUGGY_STATS)
    (tmp_path / "test_largest.py").write_text("from stats import largest\n\ndef test_largest():\n"
                                              "    assert largest([3, 9, 4]) == 9\n")
    started = time.monotonic()
    report, _ = run_tests(TestSpec(tmp_path, ("test_largest.py",), test_timeout=0, limits=limits),
                          {"stats.py": candidate})
    assert not report.all_passed
    assert time.monotonic() - started < 30
    assert len(report.output) <= 2 * sandbox.OUTPUT_LIMIT


def test_output_flood_is_cut_at_the_file_size_limit(tmp_path):
    started = time.monotonic()
    result = run_python("import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n", tmp_path,
                        Limits(wall_seconds=20, file_bytes=1 << 20))
    assert result.returncode != 0 and not result.timed_out
    assert len(result.output) == sandbox.OUTPUT_LIMIT
    assert time.monotonic() - started < 10


BOMB = """\
import os, time
children = []
try:
    for _ in range(60):  # bounded, unlike a real fork bomb
        pid = os.fork()
        if pid == 0:
            os.setsid()  # leave the process group: only a cgroup or namespace still holds it
            time.sleep(30)
            os._exit(0)
        children.append(pid)
except OSError as error:
    print("fork refused:", error.strerror)
print("children:", *children, flush=True)
time.sleep(30)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
def test_fork_bomb_is_bounded_and_every_process_killed(tmp_path):
    require_isolation(sandbox.isolation().processes, "nothing here can bound the process count")
    marker = f"# bomb {os.getpid()} {time.monotonic()}"  # in every child's command line
    result = run_python(BOMB + marker, tmp_path, Limits(processes=16, wall_seconds=2))
    assert result.timed_out
    assert "fork refused" in result.output, result.output
    children = [int(pid) for pid in result.output.split("children:")[1].split()]  # as the sandbox numbers them
    assert 0 < len(children) < 16
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in running(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in running(marker))


def running(marker: str) -> list[int]:
    """The processes, as this machine numbers them, whose command line holds marker."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path("/proc", entry, "cmdline").read_bytes():
                found.append(int(entry))
        except OSError:
            continue
    return found


# -----------------------------------------------------------------------------
# the user's work: interruption at every stage, concurrent runs, read-only tests


class Tripwire:
    """Counts the calls into the stages it wraps, and raises at the n-th event (just before or after a call)."""

    def __init__(self, n: int, exception: BaseException):
        self.n, self.exception, self.events = n, exception, 0

    def wrap(self, function):
        def wrapped(*args, **kwargs):
            self.tick()
            result = function(*args, **kwargs)
            self.tick()
            return result
        return wrapped

    def tick(self):
        self.events += 1
        if self.events == self.n:
            raise self.exception


EVENTS_IN_A_RUN = 16  # test runs 5 (the start, its failing tests again, the candidate, its confirmation, the
# new state), model call 1 (the step), os.replace 1, commit 1; each with a before and an after


def user_state(root: Path) -> dict:
    """What tgfix must leave alone: every other file's status, the index apart from FILE, the temp folder."""
    repo = git.Repo(root)
    return {"status": [line for line in repo.git.status("--porcelain").splitlines() if not line.endswith("stats.py")],
            "index": [line for line in repo.git.ls_files("-s").splitlines() if not line.endswith("stats.py")],
            "staged": repo.git.diff("--cached", "--", ".", ":(exclude)stats.py")}


@pytest.fixture
def busy_project(project):
    """The user is mid-work: a staged change, an unstaged one and an untracked file."""
    (project / "notes.md").write_text("notes\n")
    (project / "README.md").write_text("readme\n")
    repo = git.Repo(project)
    repo.git.add("notes.md", "README.md")
    repo.git.commit("-m", "docs")
    (project / "notes.md").write_text("notes, staged edit\n")
    repo.git.add("notes.md")
    (project / "README.md").write_text("readme, unstaged edit\n")
    (project / "scratch.txt").write_text("untracked\n")
    return project


@pytest.mark.slow
@pytest.mark.parametrize("n, exception", [(n, KeyboardInterrupt()) for n in range(1, EVENTS_IN_A_RUN + 1)]
                         + [(n, RuntimeError("simulated crash")) for n in (4, 9)])
def test_interrupt_or_crash_at_any_point_loses_nothing(busy_project, scripted, private_tmp, monkeypatch, n,
                                                       exception):
    scripted += [fenced(FIXED_STATS)]
    before = user_state(busy_project)
    tripwire = Tripwire(n, exception)
    for owner, name in ((sandbox, "run"), (llm.litellm, "completion"), (os, "replace"), (tgfix_git, "commit_file")):
        monkeypatch.setattr(owner, name, tripwire.wrap(getattr(owner, name)))
    monkeypatch.chdir(busy_project)
    result = tgfix("stats.py", "--no-localize", "--gradient", "never")
    assert result.exit_code == (130 if isinstance(exception, KeyboardInterrupt) else 70), result.output
    assert "Traceback" not in result.output
    content = (busy_project / "stats.py").read_text()
    committed = git.Repo(busy_project).git.show("HEAD:stats.py") + "\n"
    assert content in (BUGGY_STATS, FIXED_STATS)
    assert committed == BUGGY_STATS or committed == content == FIXED_STATS
    assert git.Repo(busy_project).git.diff("--cached", "--", "stats.py") == ""  # FILE is never left half-staged
    assert user_state(busy_project) == before
    assert list(private_tmp.iterdir()) == []
    assert not (busy_project / ".git" / "index.lock").exists()


@pytest.mark.slow
def test_tripwire_covers_a_whole_run(busy_project, scripted, private_tmp, monkeypatch):
    scripted += [fenced(FIXED_STATS)]
    tripwire = Tripwire(0, KeyboardInterrupt())
    for owner, name in ((sandbox, "run"), (llm.litellm, "completion"), (os, "replace"), (tgfix_git, "commit_file")):
        monkeypatch.setattr(owner, name, tripwire.wrap(getattr(owner, name)))
    monkeypatch.chdir(busy_project)
    result = tgfix("stats.py", "--no-localize", "--gradient", "never")
    assert result.exit_code == 0, result.output
    assert tripwire.events == EVENTS_IN_A_RUN


@pytest.mark.slow
def test_real_ctrl_c_during_a_test_run_stops_it_at_once(project, scripted, private_tmp, monkeypatch, tmp_path):
    started = tmp_path / "candidate-started"
    # It holds a lock on the file while it lives (its pid would be the sandbox's own numbering).
    slow_fix = FIXED_STATS + (f"\nimport fcntl, time\nheld = open({str(started)!r}, 'w')\n"
                              "fcntl.flock(held, fcntl.LOCK_EX)\nheld.write('started')\nheld.flush()\ntime.sleep(60)\n")
    scripted += [fenced(slow_fix)]
    interrupted_at = []

    def press_ctrl_c():
        deadline = time.monotonic() + 60
        while not (started.exists() and started.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        interrupted_at.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    monkeypatch.chdir(project)
    result = tgfix("stats.py", "--no-localize", "--gradient", "never")
    assert result.exit_code == 130, result.output
    assert time.monotonic() - interrupted_at[0] < 10
    assert (project / "stats.py").read_text() == BUGGY_STATS
    with open(started) as candidate:  # nobody holds its lock any more: the candidate is gone
        fcntl.flock(candidate, fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert list(private_tmp.iterdir()) == []


def test_second_run_on_the_same_project_is_refused(project, scripted, monkeypatch):
    monkeypatch.chdir(project)
    with run_lock(project):
        result = tgfix("stats.py")
    assert result.exit_code == 4, result.output
    assert "another tgfix run is working on" in result.output
    assert scripted.requests == []


@pytest.mark.slow
def test_test_files_changed_during_the_run_is_an_error(project, scripted, monkeypatch):
    scripted += ["no code", "no code"]  # the answer and the second opinion
    real_completion = llm.litellm.completion

    def completion_that_edits_a_test(**request):
        with open(project / "tests" / "test_stats.py", "a") as tests:
            tests.write("# edited behind tgfix's back\n")
        return real_completion(**request)

    monkeypatch.setattr(llm.litellm, "completion", completion_that_edits_a_test)
    monkeypatch.chdir(project)
    result = tgfix("stats.py", "--max-iters", "1", "--gradient", "never", "--no-localize")
    assert result.exit_code == 4, result.output
    assert "test files changed during the run" in result.output


# -----------------------------------------------------------------------------
# bad input: one line, a documented exit code, never a traceback


def assert_refused(result, code: int, message: str):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("tgfix: error:")]
    assert message in error


@pytest.mark.parametrize("setup, args, code, message", [
    (lambda p: (p / "notes.txt").write_text("x\n"), ["notes.txt"], 2, "not a Python file"),
    (lambda p: (p / "link.py").symlink_to(p.parent / "elsewhere.py"), ["link.py"], 2, "is a symlink"),
    (lambda p: (p / ".env").write_text("TOKEN=x\n"), [".env", "--test-cmd", "true"], 2, "looks like a secret"),
    (lambda p: (p / "id_rsa").write_text("key\n"), ["id_rsa", "--test-cmd", "true"], 2, "looks like a secret"),
    (lambda p: ((p / ".gitignore").write_text("generated.py\n"), (p / "generated.py").write_text("x = 1\n")),
     ["generated.py"], 2, "ignored by git"),
    (lambda p: (p / "server.pem").write_text("-----BEGIN\n"), ["stats.py", "--problem", "server.pem"], 2,
     "looks like a secret"),
    (lambda p: ((p / ".gitignore").write_text("spec.md\n"), (p / "spec.md").write_text("spec\n")),
     ["stats.py", "--problem", "spec.md"], 2, "ignored by git"),
    (lambda p: None, ["stats.py", "--max-iters", "0"], 2, "--max-iters: input should be greater than or equal to 1"),
    (lambda p: None, ["stats.py", "--candidates", "0"], 2, "--candidates: input should be greater than or equal to 1"),
    (lambda p: git.Repo(p).git.checkout("--detach"), ["stats.py"], 4, "HEAD is detached"),
    (lambda p: None, ["tests/test_stats.py"], 2, "tests/test_stats.py is a test file: tgfix repairs the code under test"),
    (lambda p: (p / "conftest.py").write_text("x = 1\n"), ["conftest.py"], 2, "conftest.py is a test file"),
    (lambda p: (p / "blob.py").write_bytes(b"\xff\xfe\x00binary"), ["blob.py"], 2, "blob.py is not UTF-8 text"),
    (lambda p: git.Repo(p).git.config("--unset", "user.name"), ["stats.py"], 4, "git has no user.name"),
    (lambda p: None, ["stats.py", "--report", "no/such/dir/run.json"], 2, "--report: no such folder: no/such/dir"),
], ids=["not-python", "symlink", "dotenv", "ssh-key", "ignored", "secret-problem", "ignored-problem",
        "zero-iterations", "zero-candidates", "detached-head", "test-file", "conftest", "binary", "no-git-identity",
        "report-folder"])
def test_bad_input_is_refused_before_any_work(project, scripted, monkeypatch, setup, args, code, message):
    monkeypatch.setenv("HOME", str(project.parent))  # no global git identity either
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (project.parent / "elsewhere.py").write_text(BUGGY_STATS)
    setup(project)
    monkeypatch.chdir(project)
    assert_refused(tgfix(*args), code, message)
    assert scripted.requests == []


def test_file_too_large_for_the_models_context(project, monkeypatch):
    # a large file is read in part (tgfix.excerpt), but one definition this large cannot be
    big = BUGGY_STATS + "\n\ndef table():\n    return [\n" + "".join(
        f"        {n},  # padding to make one definition large\n" for n in range(800)) + "    ]\n"
    (project / "stats.py").write_text(big)
    git.Repo(project).git.commit("-am", "big")
    monkeypatch.chdir(project)
    assert_refused(tgfix("stats.py", model="local/qwen2.5-coder-1.5b"), 2, "too large for local/qwen2.5-coder-1.5b")


@pytest.mark.slow
def test_not_a_git_repository_writes_the_file_and_says_so(tmp_path, scripted, monkeypatch):
    (tmp_path / "tests").mkdir()
    (tmp_path / "stats.py").write_text(BUGGY_STATS)
    (tmp_path / "tests" / "test_stats.py").write_text(STATS_TESTS)
    (tmp_path / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\ncache = false\n')
    scripted += [fenced(FIXED_STATS)]
    monkeypatch.chdir(tmp_path)
    result = tgfix("stats.py", "--no-localize", "--gradient", "never", "-v")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "stats.py").read_text() == FIXED_STATS
    assert "written to the file (not committed)" in result.output
    assert sandbox.isolation().describe() in result.output


@pytest.fixture
def refusing_server():
    with FakeOpenAI(["unused"], status=401) as fake:
        yield fake.base_url


@pytest.mark.slow
@pytest.mark.parametrize("api_base", ["http://127.0.0.1:9/v1", "refusing"], ids=["unreachable", "key-refused"])
def test_model_unreachable_or_key_refused_exit_5_quickly(project, monkeypatch, refusing_server, api_base):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-invalid")
    monkeypatch.chdir(project)
    started = time.monotonic()
    result = tgfix("stats.py", "--no-localize", "--api-base", refusing_server if api_base == "refusing" else api_base,
                   model="openai/x")
    assert_refused(result, 5, "model openai/x unavailable")
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("key_args, sent", [([], "Bearer sk-no-key-needed"), (["--api-key", "sk-mine-123"],
                                                                           "Bearer sk-mine-123")],
                         ids=["loopback-placeholder", "api-key"])
@pytest.mark.slow
def test_a_local_server_needs_no_provider_key_and_the_key_is_never_shown(project, monkeypatch, key_args, sent):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir(project)
    with FakeOpenAI([fenced(FIXED_STATS)]) as fake:
        result = tgfix("stats.py", "--gradient", "never", "--api-base", fake.base_url, "--report", "run.json",
                       *key_args, model="openai/x")
    assert result.exit_code == 0, result.output
    assert fake.keys == [sent]
    assert "sk-mine" not in result.output + (project / "run.json").read_text()


def test_an_unknown_local_model_names_the_embedded_one(project, scripted, monkeypatch):
    monkeypatch.chdir(project)
    assert_refused(tgfix("stats.py", model="local/llama-70b"), 2,
                   "unknown local model local/llama-70b: the embedded model is local/qwen2.5-coder-1.5b")
    assert scripted.requests == []


@pytest.mark.slow
def test_a_file_larger_than_many_contexts_warns_when_the_models_size_is_unknown(project, scripted, monkeypatch):
    big = BUGGY_STATS + "".join(f"CONSTANT_{n} = {n}  # padding to make the file large\n" for n in range(600))
    (project / "stats.py").write_text(big)
    git.Repo(project).git.commit("-am", "big")
    monkeypatch.chdir(project)
    scripted += ["no code"] * 3
    result = tgfix("stats.py", "--gradient", "never", "--max-iters", "1")
    assert result.output.count("tgfix: warning: stats.py is about ") == 1
    assert "the context size of openai/scripted is unknown" in result.output
