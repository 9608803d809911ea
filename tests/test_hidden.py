"""What the sandbox hides, it says: a variable it removed, the network it cut, a module the tests' Python
lacks is exit 6 naming it and the option that fixes it, before any model call; with that option the
same suite passes."""

import os
import socket
import threading

import pytest

from conftest import cli, commit_all, require_isolation
from test_interpreter import make_venv
from tgfix import config, sandbox
from tgfix.errors import UsageError
from tgfix.hidden import hidden_by_sandbox
from tgfix.runner import TestCase, TestSpec, run_tests

SECRET = "s3cret-value"


def project_of(root, files: dict[str, str]):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\ncache = false\n')
    commit_all(root, "initial")
    return root


def solve(root, file: str, *args):
    os.chdir(root)
    return cli("solve", file, "--model", "openai/scripted", "--gradient", "never", *args)


@pytest.fixture(autouse=True)
def back_to_cwd():
    here = os.getcwd()
    yield
    os.chdir(here)


# -----------------------------------------------------------------------------
# the environment: an allowlist


def test_the_environment_is_an_allowlist(monkeypatch):
    for name, value in {"DB_PASS": SECRET, "NGROK_AUTHTOKEN": SECRET, "SOME_SETTING": "x", "LC_ALL": "C.UTF-8",
                        "PYTHONPATH": "/somewhere", "VIRTUAL_ENV": "/venv", "TZ": "UTC", "CI": "true"}.items():
        monkeypatch.setenv(name, value)
    env = sandbox.scrubbed_env()
    assert {"PATH", "HOME", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TZ", "CI"} <= env.keys()
    assert not {"DB_PASS", "NGROK_AUTHTOKEN", "SOME_SETTING"} & env.keys()
    assert sandbox.scrubbed_env(access=sandbox.Access(("DB_*",)))["DB_PASS"] == SECRET  # a pattern
    assert "NGROK_AUTHTOKEN" not in sandbox.scrubbed_env(access=sandbox.Access(("DB_*",)))


def test_pass_env_takes_names_and_patterns_only(tmp_path, monkeypatch):
    monkeypatch.setenv("TGFIX_PASS_ENV", "DB_USER DB_*")
    assert config.load({}, tmp_path).pass_env == ("DB_USER", "DB_*")
    with pytest.raises(UsageError, match=r"^--pass-env: value error, not a variable name or pattern \(DB_\*\): "
                                         r"'DB_PASS=x'"):
        config.load({"pass_env": ("DB_PASS=x",)}, tmp_path)


DB = "import os\n\n\ndef password():\n    return os.environ[\"DB_PASS\"]\n"
DB_TESTS = f"from db import password\n\n\ndef test_password():\n    assert password() == {SECRET!r}\n"


@pytest.fixture
def db_project(tmp_path, monkeypatch):
    monkeypatch.setenv("DB_PASS", SECRET)
    return project_of(tmp_path / "db", {"db.py": DB, "tests/test_db.py": DB_TESTS})


@pytest.mark.slow
def test_a_variable_the_sandbox_removes_is_exit_6_naming_it(db_project, scripted):
    result = solve(db_project, "db.py")
    assert result.exit_code == 6, result.output
    assert result.stderr.startswith("tgfix: error: the tests need the environment variable DB_PASS, set here but "
                                    "removed by tgfix's sandbox: pass --pass-env DB_PASS")
    assert SECRET not in result.output
    assert scripted.requests == []


@pytest.mark.parametrize("command", ["polish", "hook"])
def test_polish_and_the_hook_say_it_too(db_project, scripted, command):
    os.chdir(db_project)
    result = cli(command, "db.py", "--model", "openai/scripted")
    assert result.exit_code == 6, result.output
    assert "DB_PASS, set here but removed by tgfix's sandbox: pass --pass-env DB_PASS" in result.stderr
    assert scripted.requests == []


@pytest.mark.slow
@pytest.mark.parametrize("how", ["flag", "pattern in TGFIX_PASS_ENV", "pyproject"])
def test_pass_env_lets_it_through_and_is_never_reported_as_removed(db_project, scripted, monkeypatch, how):
    args = ["--pass-env", "DB_PASS"] if how == "flag" else []
    if how.startswith("pattern"):
        monkeypatch.setenv("TGFIX_PASS_ENV", "OTHER, DB_*")
    if how == "pyproject":
        with open(db_project / "pyproject.toml", "a") as pyproject:
            pyproject.write('pass-env = ["DB_PASS"]\n')
        commit_all(db_project, "pass DB_PASS")
    result = solve(db_project, "db.py", "-v", *args)
    assert result.exit_code == 0, result.output
    shown = "OTHER, DB_*" if how.startswith("pattern") else "DB_PASS"
    assert f"passed: {shown}" in result.output and SECRET not in result.output  # -v names it, never its value
    assert scripted.requests == []


@pytest.mark.slow
def test_a_failure_that_names_no_removed_variable_goes_to_the_model(db_project, scripted, monkeypatch):
    monkeypatch.delenv("DB_PASS")  # unset in tgfix's own environment too: not the sandbox's doing
    scripted.append(f"```python\ndef password():\n    return {SECRET!r}\n```\n")
    result = solve(db_project, "db.py")
    assert result.exit_code == 0, result.output
    assert len(scripted.requests) == 1


# -----------------------------------------------------------------------------
# the network

CLIENT = """\
import socket

PORT = int(open("port.txt").read())


def greeting():
    with socket.create_connection(("127.0.0.1", PORT), timeout=5) as connection:
        return connection.recv(5)
"""
CLIENT_TESTS = "from client import greeting\n\n\ndef test_greeting():\n    assert greeting() == b'hello'\n"


@pytest.fixture
def server():
    """A TCP server on this machine's loopback, outside any sandbox: what a local database is to a suite."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.sendall(b"hello")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.slow
def test_a_service_on_this_machine_is_exit_6_naming_it_and_works_with_network(tmp_path, server, scripted):
    require_isolation(sandbox.isolation().network, "no network namespaces on this machine")
    root = project_of(tmp_path / "client", {"client.py": CLIENT, "tests/test_client.py": CLIENT_TESTS,
                                            "port.txt": str(server)})
    result = solve(root, "client.py")
    assert result.exit_code == 6, result.output
    assert result.stderr.startswith(f"tgfix: error: the tests connect to 127.0.0.1:{server}, which tgfix's "
                                    "sandbox cuts: pass --network")
    assert scripted.requests == []
    result = solve(root, "client.py", "--network")
    assert result.exit_code == 0, result.output
    assert scripted.requests == []


@pytest.mark.slow
def test_a_refused_connection_to_nothing_listening_outside_goes_to_the_model(tmp_path, scripted):
    require_isolation(sandbox.isolation().network, "no network namespaces on this machine")
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]  # closed again: nothing listens there, inside or outside
    root = project_of(tmp_path / "client", {"client.py": CLIENT, "tests/test_client.py": CLIENT_TESTS,
                                            "port.txt": str(port)})
    scripted.append("```python\nPORT = 0\n\n\ndef greeting():\n    return b'hello'\n```\n")
    result = solve(root, "client.py")
    assert result.exit_code == 0, result.output
    assert len(scripted.requests) == 1


@pytest.mark.parametrize("says", [
    'psycopg.OperationalError: connection to server at "localhost" (127.0.0.1), port {port} failed: '
    'Connection refused',
    "redis.exceptions.ConnectionError: Error 111 connecting to localhost:{port}. Connection refused.",
    "urllib3.exceptions.MaxRetryError: HTTPConnectionPool(host='127.0.0.1', port={port}): Max retries exceeded "
    "(Caused by NewConnectionError('[Errno 111] Connection refused'))",
], ids=["psycopg", "redis", "urllib3"])
def test_clients_that_name_the_address_they_were_refused_by(tmp_path, server, says):
    require_isolation(sandbox.isolation().network, "no network namespaces on this machine")
    refused = TestCase("command: ./check", "failed", message=says.format(port=server))
    hidden = hidden_by_sandbox((refused,), TestSpec(tmp_path, command="./check"), {})
    assert f":{server}, which tgfix's sandbox cuts: pass --network" in hidden


def test_network_flag_keeps_the_network(tmp_path, server):
    (tmp_path / "client.py").write_text(CLIENT)
    (tmp_path / "port.txt").write_text(str(server))
    (tmp_path / "test_client.py").write_text(CLIENT_TESTS)
    report, _ = run_tests(TestSpec(tmp_path, ("test_client.py",), access=sandbox.Access(network=True)), {})
    assert report.all_passed, report.output


# -----------------------------------------------------------------------------
# another Python

PRETTY = "import click\n\n\ndef shout(text):\n    return click.style(text.upper())\n"
PRETTY_TESTS = "from pretty import shout\n\n\ndef test_shout():\n    assert shout('hi') == 'HI'\n"


def test_a_module_the_tests_python_lacks_but_tgfixs_has_is_exit_6_naming_it(tmp_path, only_pytest, scripted,
                                                                             monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    root = project_of(tmp_path / "pretty", {"pretty.py": PRETTY, "tests/test_pretty.py": PRETTY_TESTS})
    venv = make_venv(tmp_path / "venv-without-click", paths=(only_pytest,))
    result = solve(root, "pretty.py", "--python", str(venv))
    assert result.exit_code == 6, result.output
    message = result.stderr.strip()
    assert message.startswith(f"tgfix: error: the tests' Python, {venv} ("), message
    assert "has no module click, which " in message and "pass --python " in message and len(message.splitlines()) == 1
    assert scripted.requests == []


@pytest.mark.slow
def test_a_module_nobody_has_goes_to_the_model(tmp_path, scripted):
    root = project_of(tmp_path / "pretty", {"pretty.py": PRETTY.replace("click", "clikc"),
                                            "tests/test_pretty.py": PRETTY_TESTS})
    scripted.append("```python\ndef shout(text):\n    return text.upper()\n```\n")
    result = solve(root, "pretty.py")
    assert result.exit_code == 0, result.output
    assert len(scripted.requests) == 1
