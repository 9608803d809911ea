"""Faults of the model's server and of the user's environment (issue 26): the time budget holds against
a hung server, every fault is one line and its own exit code (never 70), and no accepted fix is lost.

The full disks are real where the tests run as root (a tiny tmpfs, filled up); elsewhere those tests
skip, and the cache's full disk is also simulated (a write that raises ENOSPC), which runs anywhere.
"""

import errno
import os
import socket
import subprocess
import time
from pathlib import Path

import git
import pytest

from conftest import FIXED_STATS, cli, fenced
from fake_openai import FakeOpenAI, Raw
from tgfix.budget import Budget, BudgetSpent
from tgfix.errors import ModelUnavailable, UsageError
from tgfix.llm import LLM, PLACEHOLDER_KEY, DiskCache

MESSAGES = [{"role": "user", "content": "hi"}]
COMPLETION = {"id": "x", "object": "chat.completion", "created": 0, "model": "x",
              "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


@pytest.fixture(autouse=True)
def fast_sandboxed_pytest(monkeypatch):
    """Sandboxed pytest runs skip the entry-point plugins installed here (hypothesis alone takes a second)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    for name in ("OPENAI_API_KEY", "TGFIX_MODEL", "TGFIX_API_BASE", "TGFIX_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def solve(server: FakeOpenAI, *args: str, model: str = "openai/x"):
    return cli("solve", "stats.py", "--gradient", "never", "--no-localize", "--model", model,
               "--api-base", server.base_url, *args)


def one_line_error(result) -> str:
    """The error tgfix printed, checked to be one line and no internal error."""
    errors = [line for line in result.stderr.splitlines() if line.startswith("tgfix: error:")]
    assert len(errors) == 1 and result.exit_code != 70, result.output
    assert "Traceback" not in result.output and "<class" not in result.output
    return errors[0]


@pytest.fixture
def full_folder(tmp_path):
    """A real folder on a full filesystem: a tiny tmpfs, filled up (needs root)."""
    folder = tmp_path / "full"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("a full filesystem needs root to mount a tmpfs")
    try:
        with open(folder / "filler", "wb") as filler:
            while True:
                filler.write(b"x" * 4096)
                filler.flush()
    except OSError as error:
        assert error.errno == errno.ENOSPC
    yield folder
    subprocess.run(["umount", "--lazy", str(folder)], check=True)  # lazy: a test process may still hold it


# -----------------------------------------------------------------------------
# 1. the time budget holds against a slow or hung server, retries included


@pytest.mark.slow
def test_the_time_budget_holds_against_a_hung_server(in_project):
    with FakeOpenAI(["never sent"], delay=100) as server:
        started = time.monotonic()
        result = solve(server, "--time-budget", "20")  # room for the first test run on a busy machine
        took = time.monotonic() - started
    assert result.exit_code == 3, result.output
    assert took < 20 + 5, f"the run took {took:.0f} s"
    assert len(server.requests) == 1  # the request cut off at the deadline is not sent again
    assert "time budget (20 s) spent" in result.stderr
    assert "1 model call (0 cached, 1 cut off by the time budget)" in result.stderr


@pytest.mark.slow
def test_retries_after_server_errors_get_only_the_time_left():
    with FakeOpenAI([Raw({"error": {"message": "overloaded"}}, 503, delay=1)]) as server:
        engine = LLM("openai/x", api_base=server.base_url, budget=Budget(deadline=time.monotonic() + 2.5))
        started = time.monotonic()
        with pytest.raises(BudgetSpent):
            engine(MESSAGES)
    assert time.monotonic() - started < 2.5 + 2
    assert 1 < len(server.requests) <= 3


def test_a_server_error_is_retried_and_then_answered():
    with FakeOpenAI([Raw({"error": {"message": "overloaded"}}, 503), "hello"]) as server:
        reply = LLM("openai/x", api_base=server.base_url)(MESSAGES)
    assert reply.text == "hello" and len(server.requests) == 2


# -----------------------------------------------------------------------------
# 7. model errors a user can act on, not retried when no retry can help


def test_a_refused_key_is_asked_once_and_names_the_url_and_the_fix():
    with FakeOpenAI(["unused"], status=401) as server:
        with pytest.raises(ModelUnavailable) as refused:
            LLM("openai/x", api_base=server.base_url)(MESSAGES)
    assert len(server.requests) == 1
    assert str(refused.value) == (f"model openai/x unavailable: {server.base_url}/chat/completions refused the key "
                                  "(401): pass --api-key or set TGFIX_API_KEY")


def test_a_refused_key_that_was_given_says_to_check_it():
    with FakeOpenAI(["unused"], status=401) as server:
        with pytest.raises(ModelUnavailable, match=r"refused the key \(401\): check the key of --api-key or "
                                                   "TGFIX_API_KEY$"):
            LLM("openai/x", api_base=server.base_url, api_key="sk-wrong")(MESSAGES)


def test_an_api_base_without_v1_is_one_404_that_says_add_v1():
    with FakeOpenAI(["unused"]) as server:
        base = server.base_url.removesuffix("/v1")
        with pytest.raises(ModelUnavailable, match=r"chat/completions answered 404 \(not found\): add /v1 to "
                                                   r"--api-base$") as missing:
            LLM("openai/x", api_base=base)(MESSAGES)
    assert server.paths == ["/chat/completions"]
    assert f"{base}/chat/completions" in str(missing.value)


def test_a_provider_that_is_not_openai_compatible_is_told_to_use_openai():
    with FakeOpenAI(["unused"]) as server:
        with pytest.raises(ModelUnavailable, match=r"answered 404 \(not found\): use `openai/qwen` for an "
                                                   "OpenAI-compatible server"):
            LLM("ollama/qwen", api_base=server.base_url)(MESSAGES)
    assert len(server.paths) == 1


def test_a_model_the_server_does_not_know_is_one_404():
    with FakeOpenAI([Raw({"error": {"message": "model 'x' not found"}}, 404)]) as server:
        with pytest.raises(ModelUnavailable, match="the server knows no model x"):
            LLM("openai/x", api_base=server.base_url)(MESSAGES)
    assert len(server.requests) == 1


def lan_address() -> str:
    """This machine's address on its network (not loopback), or skip."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            address = ""
    if not address or address.startswith("127."):
        pytest.skip("no network address besides loopback")
    return address


def test_a_server_on_the_lan_needs_no_key():
    with FakeOpenAI(["hello"], host="0.0.0.0") as server:
        base = server.base_url.replace("127.0.0.1", lan_address())
        assert LLM("openai/x", api_base=base)(MESSAGES).text == "hello"
    assert server.keys == [f"Bearer {PLACEHOLDER_KEY}"]


def test_a_server_on_the_lan_that_wants_a_key_names_the_flag():
    with FakeOpenAI(["unused"], status=401, host="0.0.0.0") as server:
        base = server.base_url.replace("127.0.0.1", lan_address())
        with pytest.raises(ModelUnavailable, match="refused the key \\(401\\): pass --api-key or set TGFIX_API_KEY"):
            LLM("openai/x", api_base=base)(MESSAGES)


def test_a_body_that_is_not_json_is_one_line_and_not_retried():
    with FakeOpenAI([Raw('{"choices": [', 200)]) as server:
        with pytest.raises(ModelUnavailable) as error:
            LLM("openai/x", api_base=server.base_url)(MESSAGES)
    assert str(error.value) == (f"model openai/x unavailable: {server.base_url}/chat/completions answered with "
                                "something that is not a chat completion (not JSON, or no choices)")
    assert len(server.requests) == 1


def test_an_unknown_model_string_is_a_usage_error_before_the_tests_run(in_project, scripted):
    result = cli("solve", "stats.py", "--model", "m")
    assert result.exit_code == 2, result.output
    assert one_line_error(result) == ("tgfix: error: unknown model m: name its provider, e.g. openai/m for an "
                                      "OpenAI-compatible server (--api-base) or anthropic/NAME")
    assert "pass at start" not in result.output and scripted.requests == []


@pytest.mark.slow
def test_an_answer_without_choices_is_exit_5(in_project):
    with FakeOpenAI([Raw({**COMPLETION, "choices": []})]) as server:
        result = solve(server)
    assert result.exit_code == 5, result.output
    assert one_line_error(result).endswith("/v1/chat/completions answered with no choices")


# -----------------------------------------------------------------------------
# 6. the reply cache: an empty answer is never kept, a failed write is a warning


def test_an_empty_reply_is_not_cached(tmp_path):
    with FakeOpenAI(["", "hello"]) as server:
        engine = LLM("openai/x", api_base=server.base_url, cache=DiskCache(tmp_path))
        assert engine(MESSAGES).text == ""
        again = engine(MESSAGES)  # the server is fixed: its answer, not the empty one
    assert again.text == "hello" and not again.cached
    assert len(server.requests) == 2


def test_a_cache_write_that_fails_is_one_warning_and_the_reply_is_kept(tmp_path, monkeypatch):
    def full_disk(path, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("tgfix.llm.write_atomically", full_disk)
    warnings = []
    with FakeOpenAI(["hello"]) as server:
        engine = LLM("openai/x", api_base=server.base_url, cache=DiskCache(tmp_path, on_warning=warnings.append))
        assert [engine(MESSAGES).text, engine(MESSAGES).text] == ["hello", "hello"]
    assert warnings == [f"cannot write the reply cache {tmp_path} (No space left on device): replies are not "
                        "cached in this run"]


@pytest.mark.slow
def test_a_full_disk_for_the_cache_keeps_the_fix(in_project, full_folder, monkeypatch):
    monkeypatch.setenv("TGFIX_CACHE_DIR", str(full_folder))
    with FakeOpenAI([fenced(FIXED_STATS)]) as server:
        result = solve(server, "--cache")
    assert result.exit_code == 0, result.output
    assert (in_project / "stats.py").read_text() == FIXED_STATS
    assert result.stderr.count("tgfix: warning: cannot write the reply cache") == 1


@pytest.mark.slow
def test_an_unwritable_cache_is_a_warning_before_the_first_model_call(in_project, tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("TGFIX_CACHE_DIR", str(tmp_path / "a-file"))  # the cache folder would be inside a file
    with FakeOpenAI([fenced(FIXED_STATS)]) as server:
        result = solve(server, "--cache")
    assert result.exit_code == 0, result.output
    warning = f"tgfix: warning: cannot write the reply cache {tmp_path / 'a-file' / 'replies'}"
    assert result.stderr.count(warning) == 1
    assert result.stderr.index(warning) < result.stderr.index("pass at start")


# -----------------------------------------------------------------------------
# 5. environment faults: their own exit code, found before the model call where they can be


def test_a_report_path_that_is_a_folder_is_refused_before_the_run(in_project, scripted):
    (in_project / "out").mkdir()
    result = cli("solve", "stats.py", "--model", "openai/scripted", "--report", "out")
    assert result.exit_code == 2, result.output
    assert "is a folder: name the file to write" in one_line_error(result)
    assert scripted.requests == [] and list((in_project / "out").iterdir()) == []


@pytest.mark.slow
def test_a_full_disk_for_the_report_is_a_warning_after_the_fix_is_committed(in_project, full_folder):
    with FakeOpenAI([fenced(FIXED_STATS)]) as server:
        result = solve(server, "--report", str(full_folder / "run.json"))
    assert result.exit_code == 0, result.output
    assert f"tgfix: warning: could not write the report {full_folder / 'run.json'}: No space left" in result.stderr
    assert git.Repo(in_project).head.commit.message.startswith("tgfix:")
    assert not (full_folder / "run.json").exists()  # no empty or half-written report


@pytest.mark.slow
def test_the_report_page_on_a_full_disk_is_an_environment_error(in_project, full_folder):
    with FakeOpenAI([fenced(FIXED_STATS)]) as server:
        assert solve(server, "--report", "run.json").exit_code == 0
    result = cli("report", "run.json", "-o", str(full_folder / "run.html"))
    assert result.exit_code == 4, result.output
    assert one_line_error(result) == f"tgfix: error: cannot write {full_folder / 'run.html'}: No space left on device"
    assert not (full_folder / "run.html").exists()


def test_an_immutable_or_read_only_file_is_refused_before_the_model_call(in_project, scripted):
    path = in_project / "stats.py"
    immutable = os.geteuid() == 0  # root writes read-only files: only the immutable flag stops it
    if immutable and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    elif not immutable:
        path.chmod(0o444)
    try:
        result = cli("solve", "stats.py", "--model", "openai/scripted")
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    assert result.exit_code == 4, result.output
    assert one_line_error(result) == (f"tgfix: error: cannot write {path}: it is read-only; tgfix writes each "
                                      "accepted fix to it (make it writable, or use --dry-run)")
    assert scripted.requests == []


def test_a_full_tmpdir_is_an_environment_error(in_project, full_folder, scripted, monkeypatch):
    # room for one page, enough for a run lock in TMPDIR but not for the project's copy
    os.truncate(full_folder / "filler", os.path.getsize(full_folder / "filler") - 4096)
    monkeypatch.setattr("tempfile.tempdir", str(full_folder))
    monkeypatch.setenv("TMPDIR", str(full_folder))
    result = cli("solve", "stats.py", "--model", "openai/scripted")
    assert result.exit_code == 4, result.output
    assert one_line_error(result) == (f"tgfix: error: cannot copy the project into {full_folder} to run the tests: "
                                      "no space left there: free some, or set TMPDIR to a folder with room")
    assert scripted.requests == []


@pytest.mark.parametrize("pyproject, message", [
    ("[tool.tgfix]\ntests = 5\n", "tests in [tool.tgfix] of {}: input should be a path or a list of paths (got 5)"),
    ("[tool.tgfix]\npython = true\n", "python in [tool.tgfix] of {}: input should be a valid string (got True)"),
    ('[tool]\ntgfix = "x"\n', "{}: tool.tgfix is not a table: put the settings under a [tool.tgfix] header"),
], ids=["tests-int", "python-bool", "tgfix-string"])
def test_pyproject_values_of_the_wrong_type_are_usage_errors(in_project, scripted, pyproject, message):
    (in_project / "pyproject.toml").write_text(pyproject)
    result = cli("solve", "stats.py", "--model", "openai/scripted")
    assert result.exit_code == 2, result.output
    assert one_line_error(result) == "tgfix: error: " + message.format(in_project / "pyproject.toml")


# -----------------------------------------------------------------------------
# 8. doctor never exits 0 after printing FAILED


def test_doctor_exits_non_zero_for_a_bad_python(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with FakeOpenAI(["OK"]) as server:
        result = cli("doctor", "--model", "openai/x", "--api-base", server.base_url, "--python", "/no/such/python")
    assert "tests run with: FAILED" in result.stdout
    assert result.exit_code == 2, result.output


def test_doctor_exits_2_for_an_unknown_model_string(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("doctor", "--model", "m")
    assert "m reachable: no: unknown model m" in result.stdout
    assert result.exit_code == 2, result.output
