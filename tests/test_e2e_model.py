"""End to end with the real embedded model: the README's first command, on a copy of the bundled example."""

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest

from conftest import cli, commit_all, with_ctrl_c


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "quickstart"


@pytest.fixture
def quickstart(tmp_path):
    root = tmp_path / "quickstart"
    shutil.copytree(EXAMPLE, root)
    commit_all(root, "buggy example")
    return root


def pristine_tests_pass(root: Path) -> bool:
    shutil.rmtree(root / "tests")
    shutil.copytree(EXAMPLE / "tests", root / "tests")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=root,
                         capture_output=True, text=True, timeout=120)
    return run.returncode == 0


@pytest.mark.model
def test_embedded_model_repairs_the_quickstart_example(quickstart, monkeypatch):
    monkeypatch.chdir(quickstart)
    result = cli("solve", "textstats.py", "--no-cache", "--report", "run.json")
    assert result.exit_code == 0, result.output
    assert pristine_tests_pass(quickstart)
    log = git.Repo(quickstart).git.log("--format=%s")
    assert log.startswith("tgfix: ") and "-> 4/4" in log.splitlines()[0]


@pytest.mark.model
def test_embedded_model_repairs_the_file_it_chooses_without_files(quickstart, monkeypatch):
    monkeypatch.chdir(quickstart)
    result = cli("solve", "--no-cache", "--json")
    assert result.exit_code == 0, result.output
    assert "repairing textstats.py (score " in result.stderr
    assert json.loads(result.stdout)["files"] == ["textstats.py"]
    assert pristine_tests_pass(quickstart)


@pytest.mark.model
def test_embedded_model_run_with_the_trace_writes_its_report_page(quickstart, monkeypatch):
    monkeypatch.chdir(quickstart)
    result = cli("solve", "textstats.py", "--no-cache", "--no-commit", "--trace", "-v", "--report", "run.html")
    assert result.exit_code == 0, result.output
    assert "The last lines of textstats.py that tests.test_textstats.test_longest_word ran" in result.output
    assert "if len(word) < len(best):  [text='the quick brown fox', best='', word='quick']" in result.output
    page = (quickstart / "run.html").read_text()
    assert "<svg" in page and "all tests pass" in page


@pytest.mark.model
@pytest.mark.parametrize("signum, moment, code", [(signal.SIGINT, "proposing", 130), (signal.SIGTERM, "proposing", 130),
                                                 (signal.SIGINT, "loading", -signal.SIGINT)],
                         ids=["SIGINT-generating", "SIGTERM-generating", "SIGINT-loading"])
@pytest.mark.slow
def test_interrupt_stops_tgfix_within_2_s_and_leaves_the_file(quickstart, signum, moment, code):
    """Once tgfix says "proposing", the model is reading the prompt: the request is cancelled (the runtime's
    test cancels one mid-answer), and tgfix exits 130. While the model loads, no handler can run (xllamacpp
    holds the GIL): the signal's default action ends tgfix."""
    before = (quickstart / "textstats.py").read_text()
    child = subprocess.Popen([sys.executable, "-m", "tgfix.cli", "solve", "textstats.py", "--no-cache", "-v"],
                             cwd=quickstart, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             preexec_fn=with_ctrl_c)
    try:
        for line in child.stderr:
            if line.startswith(f"... {moment}"):
                break
        if moment == "loading":
            time.sleep(0.3)  # past the line, into the load: no later event can be printed while it holds the GIL
        assert child.poll() is None
        sent = time.perf_counter()
        child.send_signal(signum)
        exit_code = child.wait(timeout=60)
        latency = time.perf_counter() - sent
    finally:
        child.kill()
    print(f"tgfix interrupted by {signal.Signals(signum).name} while {moment}: exit {exit_code} after {latency:.2f} s")
    assert exit_code == code and latency < 2.0
    assert (quickstart / "textstats.py").read_text() == before
    assert git.Repo(quickstart).git.status("--porcelain") == ""
