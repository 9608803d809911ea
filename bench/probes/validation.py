"""What judging a candidate costs: every test with the full limit (without `before`, as before this
existed) against validation that knows the current best (`run_tests(..., before=best)`).

1. Nine tests that loop forever, on the current best and on the candidate: the best's run sets
   the short limit of each.
2. A suite of slow tests that all pass on the best; the candidate breaks one of them. The run
   stops at it; the best case is the broken test running first, the worst case running last.

Run: python -m bench.probes validation [--test-timeout 10] [--slow-tests 8] [--seconds 1]
Goals: case 1 at most 20 s (90 s with the default 10 s limit without `before`); case 2 about the
broken test plus start-up.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tgfix.runner import TestReport, TestSpec, run_tests, validation_plan

FILE = "mod.py"
LOOPING = "def spin(i):\n    while True:\n        pass\n"
STILL_LOOPING = "def spin(i):\n    while i == i:  # a candidate that changes nothing that matters\n        pass\n"
IDENTITY = "import time\n\n\ndef slow_identity(i, seconds):\n    time.sleep(seconds)\n    return i\n"


def timed(spec: TestSpec, source: str, before: TestReport | None = None) -> tuple[TestReport, float]:
    started = time.monotonic()
    report, _ = run_tests(spec, {FILE: source}, before=before)
    return report, time.monotonic() - started


def project(root: Path, tests: str, source: str, test_timeout: float) -> TestSpec:
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_mod.py").write_text(tests)
    (root / FILE).write_text(source)
    (root / "conftest.py").write_text("")
    return TestSpec(root, ("tests",), test_timeout=test_timeout)


def looping_tests(root: Path, test_timeout: float) -> None:
    tests = "from mod import spin\n" + "".join(f"\n\ndef test_spin_{i}():\n    spin({i})\n" for i in range(9))
    spec = project(root, tests, LOOPING, test_timeout)
    best, today = timed(spec, LOOPING)
    after, seconds = timed(spec, STILL_LOOPING, before=best)
    print(f"1. 9 looping tests: {today:.1f} s without before ({best.score}), "
          f"{seconds:.1f} s against the best ({after.score}, {sum(c.timed_out for c in after.cases)} timed out)")


def slow_tests(root: Path, count: int, seconds: float, test_timeout: float) -> None:
    tests = "from mod import slow_identity\n" + "".join(
        f"\n\ndef test_slow_{i}():\n    assert slow_identity({i}, {seconds}) == {i}\n" for i in range(count))
    spec = project(root, tests, IDENTITY, test_timeout)
    best, _ = timed(spec, IDENTITY)
    order = validation_plan(best, test_timeout).must_pass
    for where, test_id in (("first", order[0]), ("last", order[-1])):
        broken = int(test_id.rsplit("_", 1)[1])
        candidate = IDENTITY.replace("    return i\n", f"    return -1 if i == {broken} else i\n")
        full, today = timed(spec, candidate)
        after, validated = timed(spec, candidate, before=best)
        print(f"2. {count} tests of {seconds:g} s, the broken one runs {where}: {today:.1f} s without before "
              f"({full.score}), {validated:.1f} s against the best ({after.score}, {len(after.not_run)} not run)")
    _, start_up = timed(project(root / "start-up", "def test_nothing():\n    pass\n", "", test_timeout), "")
    print(f"   start-up (one empty test): {start_up:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test-timeout", type=float, default=10.0)
    parser.add_argument("--slow-tests", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=1.0, help="each slow test's duration")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        looping_tests(Path(work) / "looping", args.test_timeout)
        slow_tests(Path(work) / "slow", args.slow_tests, args.seconds, args.test_timeout)
    return 0

