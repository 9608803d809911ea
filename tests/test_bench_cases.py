"""Verify the benchmark corpus in bench/cases/.

Every case must: have a valid case.toml naming an existing buggy file; fail its
own tests as shipped (buggy); pass them once fixed/<module>.py is copied over
the buggy file. Each test run happens in a fresh copy under tmp_path, in a
subprocess with a timeout (a timeout counts as failing, which is how the
infinite-loop cases without an in-test guard show up).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

CASES_DIR = Path(__file__).resolve().parent.parent / "bench" / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.is_dir() and (p / "case.toml").is_file()) \
    if CASES_DIR.is_dir() else []
IDS = [p.name for p in CASES]

RUN_TIMEOUT = 20  # seconds per pytest run of one case
# A large case's suite takes a few CPU seconds, but several times that on a loaded machine.
LARGE_RUN_TIMEOUT = 120
LARGE_LINES = range(300, 2001)  # lines of a large case's module
LARGE_MIN_TESTS = 100

REQUIRED_CLASSES = {
    "off_by_one",
    "wrong_comparison",
    "wrong_operator",
    "wrong_variable",
    "missing_base_case",
    "missing_condition",
    "wrong_initial_value",
    "wrong_return",
    "infinite_loop",
    "missing_statement",
    "extra_statement",
    "wrong_exception_handling",
    "wrong_data_structure_op",
}


def _meta(case: Path) -> dict:
    with open(case / "case.toml", "rb") as fh:
        return tomllib.load(fh)


def _copy_case(case: Path, dest: Path, fixed: bool) -> Path:
    meta = _meta(case)
    work = dest / case.name
    shutil.copytree(case, work, ignore=shutil.ignore_patterns("fixed", "__pycache__", ".pytest_cache"))
    if fixed:
        shutil.copyfile(case / "fixed" / meta["file"], work / meta["file"])
    return work


def _is_large(case: Path) -> bool:
    return _meta(case).get("size") == "large"


def _run_tests(work: Path, tests: str, timeout: int = RUN_TIMEOUT) -> tuple[int | None, str]:
    """Return (returncode, output); returncode None means it timed out."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # hermetic and faster start-up
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", tests]
    try:
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout}s"
    return proc.returncode, proc.stdout[-4000:] + proc.stderr[-2000:]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case_metadata(case: Path):
    meta = _meta(case)
    module_file = meta["file"]
    assert isinstance(module_file, str) and module_file.endswith(".py")
    assert "/" not in module_file, "the source under repair must sit at the case root"
    assert (case / module_file).is_file()
    assert (case / "fixed" / module_file).is_file()
    assert (case / "conftest.py").is_file()
    assert meta["defect"] in REQUIRED_CLASSES
    assert meta["defects"] in (1, 2)
    classes = meta.get("classes", [meta["defect"]])
    assert len(classes) == meta["defects"] and classes[0] == meta["defect"]
    assert set(classes) <= REQUIRED_CLASSES
    tests_dir = case / meta["tests"]
    stem = module_file[:-3]
    assert (tests_dir / f"test_{stem}.py").is_file()
    # a module named like a stdlib / installed module would be shadowed or shadow it
    assert stem not in sys.stdlib_module_names
    assert "problem" not in meta or (case / meta["problem"]).is_file()
    assert meta.get("size", "small") in ("small", "large")
    buggy = (case / module_file).read_text()
    fixed = (case / "fixed" / module_file).read_text()
    assert buggy != fixed


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_buggy_fails_and_fixed_passes(case: Path, tmp_path: Path):
    meta = _meta(case)
    timeout = LARGE_RUN_TIMEOUT if _is_large(case) else RUN_TIMEOUT
    rc, out = _run_tests(_copy_case(case, tmp_path / "buggy", fixed=False), meta["tests"], timeout)
    # 1 = some tests failed; None = hung until the timeout. Anything else
    # (collection/usage errors) means the case itself is broken.
    assert rc in (1, None), f"buggy version should fail its tests (rc={rc}):\n{out}"
    if _is_large(case):  # one bug, not one that breaks the whole module
        assert 1 <= _outcomes(out)["failed"] <= 10, f"a large case's bug should fail 1-10 tests:\n{out}"
    rc, out = _run_tests(_copy_case(case, tmp_path / "fixed", fixed=True), meta["tests"], timeout)
    assert rc == 0, f"fixed version should pass its tests (rc={rc}):\n{out}"
    if _is_large(case):
        tests = _outcomes(out)["passed"] + _outcomes(out)["skipped"]
        assert tests >= LARGE_MIN_TESTS, f"a large case needs a suite of {LARGE_MIN_TESTS}+ tests:\n{out}"


def _outcomes(pytest_output: str) -> Counter:
    """Tests per outcome (passed, failed, skipped...), from pytest's last summary line."""
    summary = [line for line in pytest_output.splitlines() if re.search(r"\d+ (passed|failed)", line)][-1]
    return Counter({outcome: int(n) for n, outcome in re.findall(r"(\d+) (\w+)", summary)})


def test_large_cases():
    """Cases of real size: modules of 300-2,000 lines (their suites of 100+ tests are checked
    where they run), copied from CPython under the license that says so."""
    large = [case for case in CASES if _is_large(case)]
    assert len(large) >= 12
    for case in large:
        lines = len((case / _meta(case)["file"]).read_text().splitlines())
        assert lines in LARGE_LINES, f"{case.name}: {lines} lines"
    assert (CASES_DIR / "LICENSE-PSF").is_file()


def test_corpus_size_and_coverage():
    assert len(CASES) >= 40
    counts = Counter()
    n_defects = Counter()
    for case in CASES:
        meta = _meta(case)
        counts.update(meta.get("classes", [meta["defect"]]))
        n_defects[meta["defects"]] += 1
    missing = REQUIRED_CLASSES - set(counts)
    assert not missing, f"defect classes without a case: {sorted(missing)}"
    assert n_defects[2] >= 6, "expected several two-defect cases"
    assert sum(1 for c in CASES if "problem" in _meta(c)) >= 6, "expected LeetCode-style cases"
