"""`tgfix doctor` checks the model a run would use, configured the way a run configures it."""

import re
import shlex
from pathlib import Path

import pytest

from conftest import cli
from fake_openai import FakeOpenAI
from tgfix import local, sandbox
from tgfix.llm import PLACEHOLDER_KEY

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def server():
    with FakeOpenAI(["OK"]) as fake:
        yield fake


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("OPENAI_API_KEY", "TGFIX_MODEL", "TGFIX_API_BASE", "TGFIX_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_doctor_asks_the_server_given_by_flag(project, server):
    result = cli("doctor", "--model", "openai/x", "--api-base", server.base_url)
    assert result.exit_code == 0, result.output
    assert f"api base: {server.base_url} (--api-base)" in result.stdout
    assert "openai/x reachable: yes" in result.stdout
    assert len(server.requests) == 1 and server.requests[0]["model"] == "x"


def test_doctor_reads_the_server_from_the_environment(project, server, monkeypatch):
    monkeypatch.setenv("TGFIX_MODEL", "openai/x")
    monkeypatch.setenv("TGFIX_API_BASE", server.base_url)
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    assert "model: openai/x (TGFIX_MODEL)" in result.stdout
    assert f"api base: {server.base_url} (TGFIX_API_BASE)" in result.stdout
    assert len(server.requests) == 1


def test_doctor_reads_the_server_from_pyproject(project, server):
    (project / "pyproject.toml").write_text(f'[tool.tgfix]\nmodel = "openai/x"\napi_base = "{server.base_url}"\n')
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    assert f"api base: {server.base_url} (api_base in [tool.tgfix] of" in result.stdout
    assert len(server.requests) == 1


def test_doctor_sends_the_key_and_never_prints_it(project, server):
    result = cli("doctor", "--model", "openai/x", "--api-base", server.base_url, "--api-key", "sk-mine")
    assert result.exit_code == 0, result.output
    assert server.keys == ["Bearer sk-mine"]
    assert "sk-mine" not in result.output
    assert "api key: given (--api-key)" in result.stdout


@pytest.mark.slow
def test_doctor_exits_5_when_the_model_does_not_answer(project):
    result = cli("doctor", "--model", "openai/x", "--api-base", "http://127.0.0.1:9/v1")
    assert result.exit_code == 5, result.output
    assert "openai/x reachable: no: model openai/x unavailable" in result.stdout


def test_doctor_exits_5_without_any_model(project, monkeypatch):
    monkeypatch.setattr(local, "is_installed", lambda: False)
    result = cli("doctor", "--no-probe")
    assert result.exit_code == 5, result.output
    assert "model: - (none: install tgfix[local]" in result.stdout


def test_doctor_without_probe_makes_no_call(project, server):
    result = cli("doctor", "--model", "openai/x", "--api-base", server.base_url, "--no-probe")
    assert result.exit_code == 0, result.output
    assert server.requests == []


def test_doctor_says_what_the_sandbox_hides_here(project, monkeypatch):
    result = cli("doctor", "--no-probe")
    assert sandbox.isolation().describe() in result.output
    monkeypatch.setattr(sandbox, "isolation", lambda: sandbox.Isolation(network=False, processes=""))
    result = cli("doctor", "--no-probe")
    assert "tgfix's processes VISIBLE" in result.output and "/proc/<pid>/environ and cmdline" in result.output


def server_recipes() -> dict[str, list[str]]:
    """README's table of local servers: each server's tgfix options."""
    table = README.read_text().split("| server | start it | tgfix options |\n|---|---|---|\n")[1].split("\n\n")[0]
    rows = [re.findall(r"`([^`]*)`", row.split("|")[3]) for row in table.splitlines()]
    return {row.split("|")[1].strip(): shlex.split(options[0]) for row, options in zip(table.splitlines(), rows)}


def test_readme_has_a_recipe_for_each_common_local_server():
    assert set(server_recipes()) == {"Ollama", "vLLM", "llama.cpp", "LM Studio"}


@pytest.mark.parametrize("name", ["Ollama", "vLLM", "llama.cpp", "LM Studio"])
def test_readme_server_recipe_sends_the_request_the_server_expects(project, server, name):
    options = server_recipes()[name]
    values = dict(zip(options[::2], options[1::2]))
    assert re.fullmatch(r"http://localhost:\d+/v1", values["--api-base"])
    values["--api-base"] = server.base_url  # the fake server, on the same path
    result = cli("doctor", *[part for pair in values.items() for part in pair])
    assert result.exit_code == 0, result.output
    assert server.paths == ["/v1/chat/completions"]
    assert server.requests[0]["model"] == values["--model"].removeprefix("openai/")
    assert server.requests[0]["messages"][0]["role"] == "user"
    assert server.keys == [f"Bearer {values.get('--api-key', PLACEHOLDER_KEY)}"]
