"""End to end with the real embedded model: the README's first command, on a copy of the bundled example."""

import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from conftest import commit_all

from tgfix.cli import main

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
    result = CliRunner().invoke(main, ["solve", "textstats.py", "--no-cache", "--report", "run.json"])
    assert result.exit_code == 0, result.output
    assert pristine_tests_pass(quickstart)
    log = git.Repo(quickstart).git.log("--format=%s")
    assert log.startswith("tgfix: ") and "-> 4/4" in log.splitlines()[0]
