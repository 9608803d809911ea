"""Real projects' files and runs: files kept as they are (line endings, encoding, final newline, any
language), several FILEs in one run, --json and --report on every exit, one run per project."""

import codecs
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import git
import pytest

from conftest import BUGGY_STATS, FIXED_STATS, cli, commit_all, fenced
from tgfix.errors import TgfixError
from tgfix.lock import run_lock
from tgfix.patch import PatchError, extract_code, fence_langs
from tgfix.variable import Variable

HOLDER = """\
import sys, time
from pathlib import Path
from tgfix.lock import run_lock
from tgfix.patch import PatchError, extract_code, fence_langs
from tgfix.variable import Variable
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def solve(*args):
    return cli("solve", *args, "--model", "openai/scripted")


@pytest.fixture
def holder(tmp_path):
    """Start a process that holds the run lock of a project (with a TMPDIR of its own); kill it after."""
    started = []

    def hold(root: Path) -> subprocess.Popen:
        own_tmp = tmp_path / "holder-tmp"
        own_tmp.mkdir(exist_ok=True)
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE, text=True,
                                   env={**os.environ, "TMPDIR": str(own_tmp)})
        started.append(process)
        assert process.stdout.readline() == "held\n"
        return process

    yield hold
    for process in started:
        process.kill()
        process.wait()


# -----------------------------------------------------------------------------
# 8. one run per project, whatever TMPDIR says


def test_a_second_run_with_another_tmpdir_is_refused_naming_the_holder(project, holder, scripted, tmp_path,
                                                                         monkeypatch):
    process = holder(project)
    other_tmp = tmp_path / "other-tmp"
    other_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(other_tmp))
    monkeypatch.setenv("TMPDIR", str(other_tmp))
    monkeypatch.chdir(project)
    result = solve("stats.py")
    assert result.exit_code == 4, result.output
    assert result.stderr.splitlines() == [
        f"tgfix: error: another tgfix run is working on {project} "
        f"(pid {process.pid}, lock {project / '.git' / 'tgfix.lock'})"]
    assert scripted.requests == []


def test_the_kernel_releases_the_lock_of_a_run_killed_with_sigkill(project, holder):
    process = holder(project)
    with pytest.raises(TgfixError, match=f"pid {process.pid}"):
        with run_lock(project):
            pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    with run_lock(project):
        pass


def test_outside_git_the_lock_is_in_the_project_and_the_sandbox_skips_it(tmp_path, holder):
    root = tmp_path / "plain"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    holder(root)
    assert (root / ".tgfix" / "tgfix.lock").is_file()
    with pytest.raises(TgfixError, match="another tgfix run"):
        with run_lock(root):
            pass
    from tgfix.sandbox import files_under

    assert files_under(root) == [root / "pyproject.toml"]


# -----------------------------------------------------------------------------
# 6. more than one FILE


@pytest.fixture
def two_files(tmp_path):
    """Two modules with the same buggy line, each with its test."""
    root = tmp_path / "two"
    (root / "tests").mkdir(parents=True)
    for name in ("a", "b"):
        (root / f"{name}.py").write_text("VALUE = 1\n")
        (root / "tests" / f"test_{name}.py").write_text(f"import {name}\n\n\ndef test_{name}():\n"
                                                       f"    assert {name}.VALUE == 2\n")
    (root / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\ncache = false\ngradient = "never"\n'
                                         'second_opinion = false\n')
    commit_all(root, "initial")
    return root


@pytest.mark.slow
def test_a_source_tried_for_one_file_is_tested_again_for_another(two_files, scripted, monkeypatch):
    monkeypatch.chdir(two_files)
    scripted += [fenced("VALUE = 2\n"), fenced("VALUE = 2\n")]
    result = solve("a.py", "b.py")
    assert result.exit_code == 0, result.output
    assert (two_files / "a.py").read_text() == (two_files / "b.py").read_text() == "VALUE = 2\n"
    assert "tests 0/2 -> 2/2: all tests pass." in result.stderr


@pytest.mark.slow
def test_iterations_count_passes_over_the_files_as_the_budget_does(two_files, scripted, monkeypatch):
    monkeypatch.chdir(two_files)
    scripted += ["no code"] * 4
    result = solve("a.py", "b.py", "--max-iters", "2", "--json")
    assert result.exit_code == 3, result.output
    assert "tests 0/2 -> 0/2: iteration budget (2) used." in result.stderr
    assert "2 iterations (4 steps over 2 files), 0 accepted" in result.stderr
    summary = json.loads(result.stdout)
    assert (summary["iterations"], summary["steps"], summary["stop_reason"]) == (2, 4, "iteration budget (2) used")


# -----------------------------------------------------------------------------
# 5. files as they are


def commit_file(project, name: str, content: bytes):
    (project / name).write_bytes(content)
    repo = git.Repo(project)
    repo.git.add(name)
    repo.git.commit("-m", f"{name} as the user keeps it")
    return repo


@pytest.mark.slow
def test_a_crlf_file_keeps_its_line_endings_and_the_commit_has_only_the_real_change(project, scripted, monkeypatch):
    repo = commit_file(project, "stats.py", BUGGY_STATS.replace("\n", "\r\n").encode())
    monkeypatch.chdir(project)
    scripted += [fenced(FIXED_STATS)]
    result = solve("stats.py", "--gradient", "never")
    assert result.exit_code == 0, result.output
    assert (project / "stats.py").read_bytes() == FIXED_STATS.replace("\n", "\r\n").encode()
    assert repo.git.show("--numstat", "--format=", "HEAD") == "1\t1\tstats.py"
    changed = [line for line in result.stdout.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    assert changed == ["-        if x < best:", "+        if x > best:"]


LATIN_HEADER = "#!/usr/bin/env python3\n# -*- coding: latin-1 -*-\n# Statistiques du café\n"


@pytest.mark.slow
def test_a_file_with_an_encoding_declaration_is_read_and_written_in_its_encoding(project, scripted, monkeypatch):
    commit_file(project, "stats.py", (LATIN_HEADER + BUGGY_STATS).encode("latin-1"))
    monkeypatch.chdir(project)
    dropped_declaration = "#!/usr/bin/env python3\n# Statistiques du café\n"
    scripted += [fenced(dropped_declaration + FIXED_STATS.replace("return best", "return best  # → max")),
                 fenced(dropped_declaration + FIXED_STATS)]  # the second opinion
    result = solve("stats.py", "--gradient", "never", "-vv")
    assert result.exit_code == 0, result.output
    assert "'→' cannot be written in iso-8859-1, the file's encoding" in result.stderr
    assert (project / "stats.py").read_bytes() == (LATIN_HEADER + FIXED_STATS).encode("latin-1")


@pytest.mark.slow
def test_a_file_without_a_final_newline_keeps_it_so(project, scripted, monkeypatch):
    commit_file(project, "stats.py", BUGGY_STATS.rstrip("\n").encode())
    monkeypatch.chdir(project)
    scripted += [fenced(FIXED_STATS)]
    result = solve("stats.py", "--gradient", "never")
    assert result.exit_code == 0, result.output
    assert (project / "stats.py").read_text() == FIXED_STATS.rstrip("\n")
    assert "No newline at end of file" not in result.stdout.split("-        if x < best:")[0]


CHECK = """\
import sys
from pathlib import Path
sys.exit("broken" in Path(sys.argv[1]).read_text())
"""


@pytest.mark.parametrize("name, asked, lang, broken, fixed", [
    ("config.json", "json", "json", '{"mode": "broken"}\n', '{"mode": "fixed"}\n'),
    ("settings.toml", "toml", "toml", 'mode = "broken"\n', 'mode = "fixed"\n'),
    ("query.sql", "sql", "sql", "SELECT 'broken';\n", "SELECT 'fixed';\n"),
    ("setup.sh", "sh", "bash", "#!/bin/sh\necho broken\n", "#!/bin/sh\necho fixed\n"),
    ("config.json", "json", "javascript", '{"mode": "broken"}\n', '{"mode": "fixed"}\n'),  # the only block
])
def test_a_file_in_another_language_takes_the_code_block_in_its_language(tmp_path, scripted, monkeypatch,
                                                                         name, asked, lang, broken, fixed):
    root = tmp_path / "config"
    root.mkdir()
    (root / name).write_text(broken)
    (root / "check.py").write_text(CHECK)
    (root / "pyproject.toml").write_text('[tool.tgfix]\ncache = false\ngradient = "never"\n')
    commit_all(root, "initial")
    monkeypatch.chdir(root)
    scripted += [f"Here it is:\n```{lang}\n{fixed}```\n"]
    result = solve(name, "--test-cmd", f"{sys.executable} check.py {name}")
    assert result.exit_code == 0, result.output
    assert (root / name).read_text() == fixed
    prompt = scripted.requests[0]["messages"][-1]["content"]
    assert f"in a single ```{asked} code block" in prompt


@pytest.mark.parametrize("raw, newline", [
    (b"a = 1\r\nb = 2\r\n", "\r\n"), (b"a = 1\rb = 2\r", "\r"), (b"a = 1\nb = 2\n", "\n"), (b"a = 1", "\n"),
    (b"a = 1\r\nb = 2\r\nc = 3\n", "\r\n"),  # mixed: the ending most lines have
])
def test_a_file_reads_with_newlines_and_writes_back_in_its_own_line_endings(tmp_path, raw, newline):
    path = tmp_path / "mod.py"
    path.write_bytes(raw)
    x = Variable.from_file(path)
    assert "\r" not in x.value and x.form.newline == newline
    assert x.encoded(x.value) == raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", newline.encode())


def test_a_bom_is_kept_and_an_undeclared_non_utf8_file_is_still_refused(tmp_path):
    (tmp_path / "data.json").write_bytes(codecs.BOM_UTF8 + b'{"a": 1}\n')
    x = Variable.from_file(tmp_path / "data.json")
    assert x.value == '{"a": 1}\n' and x.encoded(x.value) == codecs.BOM_UTF8 + b'{"a": 1}\n'
    (tmp_path / "mod.py").write_bytes("x = 'café'\n".encode("latin-1"))
    with pytest.raises(TgfixError, match="is not UTF-8 text"):
        Variable.from_file(tmp_path / "mod.py")


def test_the_only_code_block_of_a_reply_is_a_non_python_files_answer_whatever_its_label():
    reply = "```javascript\n{\"a\": 1}\n```\n"
    assert extract_code(reply, fence_langs("config.json")) == '{"a": 1}\n'
    assert extract_code(reply, fence_langs("Makefile")) == '{"a": 1}\n'
    with pytest.raises(PatchError, match="no ```python code block"):
        extract_code(reply, fence_langs("mod.py"))
    with pytest.raises(PatchError, match="no ```json code block"):
        extract_code(reply + reply, fence_langs("config.json"))


# -----------------------------------------------------------------------------
# 7. --json tells the truth


@pytest.mark.slow
def test_json_says_nothing_was_written_or_committed_when_nothing_was(project, scripted, monkeypatch):
    monkeypatch.chdir(project)
    scripted += ["no code", "no code"]  # the answer and the second opinion
    result = solve("stats.py", "--gradient", "never", "--max-iters", "1", "--json")
    assert result.exit_code == 3, result.output
    summary = json.loads(result.stdout)
    assert (summary["accepted"], summary["written"], summary["committed"]) == (0, False, False)


@pytest.mark.slow
def test_an_error_after_a_committed_step_still_gives_the_json_and_the_report(project, scripted, monkeypatch):
    monkeypatch.chdir(project)

    def fix_while_a_test_file_changes(request):
        with open(project / "tests" / "test_stats.py", "a") as tests:
            tests.write("# edited by someone else\n")
        return fenced(FIXED_STATS)

    scripted += [fix_while_a_test_file_changes]
    result = solve("stats.py", "--gradient", "never", "--json", "--report", "run.json")
    assert result.exit_code == 4, result.output
    assert result.stderr.splitlines()[-1] == ("tgfix: error: the test files changed during the run: tgfix never "
                                              "writes them, something else did")
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == 4 and summary["error"].startswith("the test files changed during the run")
    assert (summary["accepted"], summary["written"], summary["committed"]) == (1, True, True)
    report = json.loads((project / "run.json").read_text())
    assert report["exit_code"] == 4 and report["stop_reason"] == summary["error"]
    assert [i["accepted"] for i in report["iterations"]] == [True] and report["iterations"][0]["commit"]
    assert report["diff"] == summary["diff"] and "+        if x > best:" in report["diff"]


def test_an_error_before_the_run_is_one_json_object_and_one_line(project, scripted, monkeypatch):
    monkeypatch.chdir(project)
    result = solve("missing.py", "--json", "--report", "run.json")
    assert result.exit_code == 2, result.output
    assert result.stderr == "tgfix: error: no such file: missing.py\n"
    assert json.loads(result.stdout) == {"files": ["missing.py"], "written": False, "committed": False,
                                         "exit_code": 2, "error": "no such file: missing.py"}
    assert not (project / "run.json").exists()  # nothing ran: nothing to report
