"""`tgfix hook` and `tgfix install-hook`: repairs land in the working tree, never in the index.

The end-to-end tests drive a real `git commit` (plain git hook) and `pre-commit try-repo`
in subprocesses, with the model scripted by tests/fake_openai.py.
"""

import os
import shutil
import socket
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import git
import pytest

from conftest import BUGGY_STATS, FIXED_STATS, cli, fenced
from fake_openai import FakeOpenAI
from tgfix.loss import TestLoss

REPO = Path(__file__).resolve().parents[1]
CRITIQUE = "test_largest fails because line 8 keeps the smaller value; it must keep the larger one."
FEATURE = "\n\ndef smallest(xs):\n    return min(xs)\n"  # the staged change; the old bug is still in the file
STAGED_BUGGY, STAGED_FIXED = BUGGY_STATS + FEATURE, FIXED_STATS + FEATURE


def hook(*args):
    return cli("hook", *args, "--model", "openai/scripted")


pytestmark = pytest.mark.usefixtures("in_project")


@pytest.fixture
def staged(project):
    """stats.py with a new function staged, its old bug included; an unrelated unstaged edit."""
    (project / "stats.py").write_text(STAGED_BUGGY)
    (project / "notes.txt").write_text("draft\n")
    repo = git.Repo(project)
    repo.git.add("notes.txt")
    repo.git.commit("-m", "notes")
    repo.git.add("stats.py")
    (project / "notes.txt").write_text("draft, unstaged edit\n")
    return repo


def index_state(repo):
    return repo.git.ls_files("-s"), repo.git.diff("--cached"), repo.head.commit.hexsha


def hook_env(fake):
    """The environment a user's shell would give the hook: tgfix on PATH, the model named by env vars."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, "PATH": path, "TGFIX_MODEL": "openai/fake", "TGFIX_API_BASE": fake.base_url,
            "OPENAI_API_KEY": "dummy"}


# --- the hook command, in-process ---------------------------------------------------------------------

@pytest.mark.slow
def test_failing_tests_repaired_in_working_tree_only(project, staged, scripted):
    scripted += [CRITIQUE, fenced(STAGED_FIXED)]
    before = index_state(staged)
    result = hook("stats.py", "tests/test_stats.py")
    assert result.exit_code == 1, result.output
    assert (project / "stats.py").read_text() == STAGED_FIXED
    assert "+        if x > best:" in result.stdout
    assert "git add stats.py" in result.stderr and "tests 2/4 -> 4/4" in result.stderr
    assert index_state(staged) == before
    assert (project / "notes.txt").read_text() == "draft, unstaged edit\n"
    assert len(scripted.requests) == 2


@pytest.mark.slow
def test_nothing_repaired_lists_failures(project, staged, scripted):
    scripted += [CRITIQUE, "no code here", "no second opinion either"]
    result = hook("stats.py", "--max-iters", "1")
    assert result.exit_code == 1, result.output
    assert "tests 2/4 pass, no repair found" in result.stderr
    assert "test_stats.test_largest: " in result.stderr
    assert (project / "stats.py").read_text() == STAGED_BUGGY


@pytest.mark.slow
def test_allow_failing_from_pyproject(project, staged, scripted):
    with (project / "pyproject.toml").open("a") as pyproject:
        pyproject.write("hook_allow_failing = true\nhook_max_iters = 1\n")
    scripted += [CRITIQUE, "no code here", "no second opinion either"]
    result = hook("stats.py")
    assert result.exit_code == 0, result.output
    assert "warning: tests 2/4 pass" in result.stderr and "test_stats.test_largest" in result.stderr
    assert len(scripted.requests) == 3  # hook_max_iters = 1: one critique, one step and its second opinion


@pytest.mark.slow
def test_repairs_only_files_the_failing_tests_run(project, staged, scripted):
    (project / "other.py").write_text("def unused():\n    return 1\n")
    scripted += [CRITIQUE, fenced(STAGED_FIXED)]
    result = hook("other.py", "stats.py")
    assert result.exit_code == 1, result.output
    assert (project / "stats.py").read_text() == STAGED_FIXED
    assert "other.py" not in result.stdout and len(scripted.requests) == 2


def test_only_test_files_staged_nothing_to_repair(project, scripted):
    result = hook("tests/test_stats.py")
    assert result.exit_code == 1, result.output
    assert "no staged source file to repair" in result.stderr
    assert scripted.requests == []


@pytest.mark.parametrize("name, is_test", [
    ("stats.py", False), ("test_stats.py", True), ("stats_test.py", True), ("conftest.py", True),
    ("tests/helpers.py", True), ("pkg/tests/data.py", True), ("pkg/testing.py", False),
])
def test_test_files_are_never_repaired(project, name, is_test):
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    (project / name).write_text("")
    assert TestLoss().is_test(project / name, project) is is_test


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


@pytest.mark.slow
@pytest.mark.parametrize("choice, code, prefix", [("skip", 0, "tgfix: warning: "), ("fail", 1, "tgfix: error: ")])
def test_model_unavailable_one_line(project, staged, monkeypatch, choice, code, prefix):
    monkeypatch.setenv("OPENAI_API_KEY", "dummy")
    result = cli("hook", "stats.py", "--model", "openai/fake", "--api-base", closed_port_url(),
                                       "--on-unavailable", choice, "--no-cache")
    assert result.exit_code == code, result.output
    [line] = [line for line in result.stderr.splitlines() if line.startswith("tgfix:")]
    assert line.startswith(prefix) and "model openai/fake unavailable" in line and "tests 2/4 pass" in line
    assert "Traceback" not in result.output
    assert (project / "stats.py").read_text() == STAGED_BUGGY


@pytest.mark.slow
def test_passing_tests_exit_0_without_the_model_or_litellm(project):
    """The fast path: one test run, no model request, and litellm (seconds to import) never loaded."""
    (project / "stats.py").write_text(FIXED_STATS)
    probe = ("import atexit, sys; atexit.register(lambda: print('litellm loaded:', 'litellm' in sys.modules)); "
             "from tgfix.cli import main; main(['hook', 'stats.py'])")
    with FakeOpenAI([CRITIQUE]) as fake:
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=hook_env(fake))
    assert result.returncode == 0, result.stderr
    assert "litellm loaded: False" in result.stdout
    assert "tgfix: tests 4/4 pass" in result.stderr
    assert fake.requests == []


# --- install-hook and the plain git hook ---------------------------------------------------------------

def test_shipped_hook_is_the_top_level_script():
    """hooks/pre-commit is for people who copy it by hand; install-hook ships the package's copy."""
    top, packaged = REPO / "hooks" / "pre-commit", REPO / "tgfix" / "data" / "pre-commit"
    assert top.read_bytes() == packaged.read_bytes()
    assert top.stat().st_mode & stat.S_IXUSR and packaged.stat().st_mode & stat.S_IXUSR


def test_install_hook_refuses_to_overwrite(project):
    target = project / ".git" / "hooks" / "pre-commit"
    target.write_text("#!/bin/sh\nexit 0\n")
    result = cli("install-hook")
    assert result.exit_code == 4
    assert result.output.strip() == f"tgfix: error: {target} already exists: pass --force to replace it"
    assert target.read_text() == "#!/bin/sh\nexit 0\n"
    result = cli("install-hook", "--force")
    assert result.exit_code == 0, result.output
    assert target.read_text() == (REPO / "hooks" / "pre-commit").read_text().replace(
        "tgfix_python=''", f"tgfix_python={sys.executable}")


def test_install_hook_respects_core_hooks_path(project, monkeypatch):
    git.Repo(project).git.config("core.hooksPath", ".githooks")
    monkeypatch.chdir(project / "tests")  # from a subfolder, the path is still the repository's
    result = cli("install-hook")
    assert result.exit_code == 0, result.output
    target = project / ".githooks" / "pre-commit"
    assert os.access(target, os.X_OK) and not (project / ".git" / "hooks" / "pre-commit").exists()


def test_install_hook_outside_a_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = cli("install-hook")
    assert result.exit_code == 4 and result.output.startswith("tgfix: error: not in a git repository")


@pytest.mark.slow
def test_git_hook_commit_flow(project, staged):
    """A real `git commit`: refused and repaired in the working tree; after `git add`, it goes through."""
    assert cli("install-hook").exit_code == 0
    before = index_state(staged)
    with FakeOpenAI([CRITIQUE, fenced(STAGED_FIXED)]) as fake:
        env = hook_env(fake)
        refused = subprocess.run(["git", "commit", "-m", "add smallest"], cwd=project, env=env,
                                 capture_output=True, text=True)
        assert refused.returncode == 1, refused.stderr
        assert "+        if x > best:" in refused.stderr  # git sends a hook's output to stderr
        assert (project / "stats.py").read_text() == STAGED_FIXED
        assert index_state(staged) == before
        staged.git.add("stats.py")
        accepted = subprocess.run(["git", "commit", "-m", "add smallest"], cwd=project, env=env,
                                  capture_output=True, text=True)
        assert accepted.returncode == 0, accepted.stderr
        (project / "notes.txt").write_text("no Python staged\n")
        staged.git.add("notes.txt")
        no_python = subprocess.run(["git", "commit", "-m", "notes"], cwd=project, env=env,
                                   capture_output=True, text=True)
        assert no_python.returncode == 0, no_python.stderr
    assert len(fake.requests) == 2  # the commits that followed ran no model
    assert staged.git.show("HEAD~1:stats.py") + "\n" == STAGED_FIXED


# --- pre-commit ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory):
    """This checkout's tgfix as a git repository, the way pre-commit fetches a hook repository."""
    root = tmp_path_factory.mktemp("hook-repo")
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, root / name)
    if not (root / "README.md").exists():  # pyproject.toml names it; the build needs it
        (root / "README.md").write_text("tgfix\n")
    shutil.copytree(REPO / "tgfix", root / "tgfix", ignore=shutil.ignore_patterns("__pycache__"))
    repo = git.Repo.init(root)
    repo.git.add(A=True)
    repo.git.commit("-m", "tgfix", author="Test <test@example.com>",
                    env={"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"})
    return root


def pre_commit_env(fake, home: Path) -> dict:
    """pre-commit builds the hook's virtualenv from hook_repo. Its dependencies come from this
    interpreter (PYTHONPATH) rather than the package index: seconds instead of minutes per install."""
    return {**hook_env(fake), "PRE_COMMIT_HOME": str(home), "PIP_NO_DEPS": "1",
            "PYTHONPATH": sysconfig.get_paths()["purelib"]}


def pre_commit(*args, cwd, env):
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


@pytest.mark.slow
def test_pre_commit_try_repo_then_commit(project, staged, hook_repo, tmp_path):
    before = index_state(staged)
    with FakeOpenAI([CRITIQUE, fenced(STAGED_FIXED)]) as fake:
        env = pre_commit_env(fake, tmp_path / "pre-commit-home")
        # No --files: pre-commit runs on the staged files and stashes the unstaged notes.txt edit meanwhile.
        tried = pre_commit("try-repo", str(hook_repo), "tgfix", cwd=project, env=env)
        assert tried.returncode == 1, tried.stdout + tried.stderr
        assert "files were modified by this hook" in tried.stdout
        assert "+        if x > best:" in tried.stdout
        assert (project / "stats.py").read_text() == STAGED_FIXED
        assert index_state(staged) == before
        assert (project / "notes.txt").read_text() == "draft, unstaged edit\n"

        rev = git.Repo(hook_repo).head.commit.hexsha
        (project / ".pre-commit-config.yaml").write_text(
            f"repos:\n-   repo: {hook_repo}\n    rev: {rev}\n    hooks:\n    -   id: tgfix\n")
        staged.git.add("stats.py", ".pre-commit-config.yaml")
        assert pre_commit("install", cwd=project, env=env).returncode == 0
        committed = subprocess.run(["git", "commit", "-m", "add smallest"], cwd=project, env=env,
                                   capture_output=True, text=True)
        assert committed.returncode == 0, committed.stdout + committed.stderr
        assert "tgfix" in committed.stderr and "Passed" in committed.stderr
    assert len(fake.requests) == 2
    assert staged.git.show("HEAD:stats.py") + "\n" == STAGED_FIXED


# --- the real embedded model ---------------------------------------------------------------------------

@pytest.mark.model
def test_embedded_model_repairs_staged_bug(project, staged):
    result = cli("hook", "stats.py", "--model", "local/qwen2.5-coder-1.5b", "--max-iters", "1")
    assert "[1] stats.py" in result.stderr, result.output  # the engine ran one iteration
    assert result.exit_code == 1, result.output  # repaired or not, the commit must wait
    assert (project / "stats.py").read_text() == STAGED_FIXED, result.output
    assert "tests 2/4 -> 4/4" in result.stderr
