"""The benchmark cases: load them, copy one to a fresh git repository to repair, judge the result.

Only `file`, `tests` and `problem` are read from case.toml: the `note` and `classes` keys
give the answer away and never leave this module's reach. The judge trusts nothing the
method says: it runs the final source next to pristine tests, in its own fresh copy.
"""

from __future__ import annotations

import fnmatch
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import git

from tgfix.runner import TestSpec, run_tests

CASES_DIR = Path(__file__).resolve().parent / "cases"
HIDDEN = {"fixed", "case.toml"}             # the answer and the metadata never reach a method
JUNK = {".git", "__pycache__", ".pytest_cache"}
TEST_TIMEOUT = 10.0                         # seconds per test, as tgfix's default


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    file: str                # the buggy module, relative to the case
    tests: str               # the test directory, relative to the case
    problem: str | None      # the problem statement, relative to the case, if any

    @property
    def fixed(self) -> str:
        """The reference fix of `file`: what the judge never shows a method."""
        return (self.path / "fixed" / self.file).read_text()


@dataclass(frozen=True)
class Verdict:
    solved: bool
    passed: int
    total: int
    tampered: bool           # something besides `file` changed (tests, conftest...)


def load(path: Path) -> Case:
    meta = tomllib.loads((path / "case.toml").read_text())
    return Case(path.name, path, meta["file"], meta["tests"], meta.get("problem"))


def select(patterns: list[str], limit: int | None = None, cases_dir: Path = CASES_DIR) -> list[Case]:
    """Cases whose name matches any glob (all when none), in name order, the first `limit`."""
    paths = sorted(p for p in cases_dir.iterdir() if (p / "case.toml").is_file())
    chosen = [load(p) for p in paths if not patterns or any(fnmatch.fnmatch(p.name, g) for g in patterns)]
    return chosen[:limit]


def copy_case(case: Case, destination: Path) -> Path:
    shutil.copytree(case.path, destination, ignore=lambda _dir, names: [n for n in names if n in HIDDEN | JUNK])
    return destination


def prepare(case: Case, destination: Path) -> Path:
    """A fresh copy of the case, committed to a new git repository (tgfix commits its steps)."""
    copy_case(case, destination)
    return commit_everything(destination, "buggy")


def commit_everything(folder: Path, message: str) -> Path:
    """Make folder a git repository, with a bench identity, whose one commit holds all of it."""
    repo = git.Repo.init(folder)
    with repo.config_writer() as config:
        config.set_value("user", "name", "tgfix bench")
        config.set_value("user", "email", "bench@tgfix.invalid")
        config.set_value("commit", "gpgsign", "false")
    repo.git.add(A=True)
    repo.git.commit("-m", message, "--no-verify")
    return folder


def judge(case: Case, work: Path, scratch: Path) -> Verdict:
    """Run the final `file` of `work` against the case's pristine tests, in a fresh copy under scratch."""
    source = (work / case.file).read_text()
    tampered = _contents(work, case.file) != _contents(case.path, case.file)
    pristine = copy_case(case, scratch)
    spec = TestSpec(pristine, (case.tests,), test_timeout=TEST_TIMEOUT)
    report, _ = run_tests(spec, {case.file: source})
    return Verdict(report.all_passed and not tampered, len(report.passed), len(report.cases), tampered)


def _contents(root: Path, but: str) -> dict[str, bytes]:
    """Every file a method could see, except `but`."""
    files = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and relative.as_posix() != but and not (HIDDEN | JUNK) & set(relative.parts):
            files[relative.as_posix()] = path.read_bytes()
    return files
