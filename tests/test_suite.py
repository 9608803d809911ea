"""The test suite itself: the quick command leaves out the slow parts, and CI cannot pass a missing part as a skip."""

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import require_isolation

ROOT = Path(__file__).resolve().parent.parent


def collected(*args: str) -> list[str]:
    listing = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                              "--strict-markers", *args], capture_output=True, text=True, cwd=ROOT)
    assert listing.returncode == 0, listing.stdout + listing.stderr
    return [line for line in listing.stdout.splitlines() if "::" in line]


@pytest.mark.slow
def test_the_quick_command_leaves_out_the_browser_and_the_model():
    quick = collected("-m", "not model and not browser", "tests/test_report.py", "tests/test_e2e_model.py")
    assert quick and not any("chromium" in test or "test_e2e_model" in test for test in quick)
    assert [test.split("::")[1] for test in collected("-m", "browser", "tests/test_report.py")] == [
        "test_page_renders_in_chromium_with_curve_and_diff_visible"]


def test_missing_isolation_is_a_skip_here_and_a_failure_in_ci(monkeypatch):
    monkeypatch.delenv("TGFIX_REQUIRE_SANDBOX", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no network namespaces"):
        require_isolation(False, "no network namespaces")
    monkeypatch.setenv("TGFIX_REQUIRE_SANDBOX", "1")
    with pytest.raises(pytest.fail.Exception, match="no network namespaces on this machine, and TGFIX_REQUIRE_SANDBOX=1"):
        require_isolation(False, "no network namespaces on this machine")
    require_isolation(True, "present: nothing happens")


def readme_test_phases() -> list[list[str]]:
    """The pytest arguments of each phase of README's command 2, the one CI runs."""
    command = (ROOT / "README.md").read_text().split("# 2. run the test suite")[1].splitlines()[1]
    return [shlex.split(part.split("-m pytest", 1)[1]) for part in command.split("&&") if "-m pytest" in part]


@pytest.mark.slow
def test_the_test_commands_phases_run_every_test_once_and_ci_runs_those_phases():
    phases = readme_test_phases()
    assert [phase[:2] for phase in phases] == [["-n", "2"], ["-m", "model"]]  # the model alone, last
    parts = [collected(*phase[2:] if phase[0] == "-n" else phase) for phase in phases]
    assert not set(parts[0]) & set(parts[1]) and sorted(parts[0] + parts[1]) == sorted(collected())
    ci = (ROOT / ".ci" / "run").read_text()
    assert all(shlex.join(phase).replace("'", '"') in ci for phase in phases)
