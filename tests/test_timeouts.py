"""Per-test limits that hold whatever the code under test does, and suites whose tests all hang."""

import re
import time

import pytest

from test_runner import write_project
from tgfix.runner import TestSpec, run_tests
from tgfix.sandbox import Limits

SWALLOWER = '''\
def f():  # as a candidate wrote it: the TimeoutError of the per-test limit is an Exception
    while True:
        try:
            return int("x")
        except Exception:
            continue
'''
BLOCKER = '''\
import signal


def f():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # no TimeoutError ever reaches this loop
    while True:
        pass
'''
THREE_TESTS = """
    from mod import f
    def test_before(): assert True
    def test_f(): assert f() == 1
    def test_after(): assert True
"""


def spec_with(root, test_timeout: float) -> TestSpec:
    return TestSpec(root, ("tests",), test_timeout=test_timeout, limits=Limits(wall_seconds=60))


def start_up(root) -> float:
    """Seconds a run of the project's tests with a quick f takes on this machine now (it may be busy)."""
    started = time.monotonic()
    run_tests(spec_with(root, 1.0), {"mod.py": "def f():\n    return 1\n\ndef loop():\n    pass\n"})
    return time.monotonic() - started


@pytest.mark.slow
@pytest.mark.parametrize("source", [SWALLOWER, BLOCKER], ids=["catches", "blocks"])
def test_a_candidate_that_defeats_the_timeout_is_judged_in_about_the_limit(tmp_path, source):
    write_project(tmp_path, source, THREE_TESTS)
    quick = start_up(tmp_path)
    started = time.monotonic()
    report, _ = run_tests(spec_with(tmp_path, 2.0), {"mod.py": source})
    elapsed = time.monotonic() - started
    outcomes = {c.id.split(".")[-1]: c.outcome for c in report.cases}
    assert outcomes == {"test_f": "failed", "test_before": "passed", "test_after": "passed"}, report.output
    assert next(c for c in report.cases if c.id.endswith("test_f")).timed_out
    assert elapsed < 2.0 + 1 + 3 * quick, (elapsed, quick)  # the limit, the grace, and two pytest start-ups


@pytest.mark.slow
def test_the_watchdog_ends_a_test_the_limit_cannot_stop_and_the_other_tests_run_on(tmp_path):
    write_project(tmp_path, BLOCKER, THREE_TESTS)
    report, _ = run_tests(spec_with(tmp_path, 1.0), {"mod.py": BLOCKER})
    assert report.passed == {"tests.test_mod.test_before", "tests.test_mod.test_after"}
    [hung] = report.failures
    assert hung.timed_out and "caught or blocked the TimeoutError" in hung.message
    assert re.search(r'mod\.py", line [67] in f', hung.traceback), hung.traceback  # where it looped


@pytest.mark.slow
def test_a_caught_timeout_fails_the_test_even_when_it_then_returns(tmp_path):
    source = "import time\ndef f():\n    try:\n        time.sleep(30)\n    except BaseException:\n        return 1\n"
    write_project(tmp_path, source, "from mod import f\ndef test_f(): assert f() == 1\n")
    report, _ = run_tests(spec_with(tmp_path, 1.0), {"mod.py": source})
    [case] = report.cases
    assert case.timed_out and "caught or blocked the TimeoutError" in case.message


@pytest.mark.slow
def test_a_validation_run_stops_when_a_test_that_passed_before_is_ended(tmp_path):
    write_project(tmp_path, BLOCKER, THREE_TESTS)
    fixed = "def f():\n    return 1\n"
    before, _ = run_tests(spec_with(tmp_path, 2.0), {"mod.py": fixed})
    assert before.all_passed
    report, _ = run_tests(spec_with(tmp_path, 2.0), {"mod.py": BLOCKER}, before=before)
    outcomes = {c.id.split(".")[-1]: c.outcome for c in report.cases}
    assert outcomes["test_f"] == "failed" and "not run" in outcomes.values()


HANGING_SUITE = "from mod import loop\n" + "".join(
    f"def test_{n}(): {'assert True' if n == 1 else 'loop()'}\n" for n in range(9))


@pytest.mark.slow
def test_a_suite_whose_tests_all_hang_costs_about_one_limit(tmp_path):
    source = "def loop():\n    while True:\n        pass\n"
    write_project(tmp_path, source, HANGING_SUITE)
    quick = start_up(tmp_path)
    started = time.monotonic()
    report, _ = run_tests(spec_with(tmp_path, 6.0), {"mod.py": source})
    elapsed = time.monotonic() - started
    outcomes = {c.id.split(".")[-1]: c.outcome for c in report.cases}
    assert outcomes.pop("test_1") == "passed"  # a quick test after a timeout still passes
    assert set(outcomes.values()) == {"failed"} and len(outcomes) == 8
    assert all(c.timed_out for c in report.failures)
    messages = [c.message for c in report.failures]
    assert "once a test has timed out" in messages[1] and "counted as timed out too" in messages[-1], messages
    assert elapsed < 1.5 * 6.0 + 2 * quick, (elapsed, quick)  # not 8 limits one after another (48 s)


@pytest.mark.slow
def test_the_short_limit_after_a_timeout_follows_the_passing_tests(tmp_path):
    source = "def loop():\n    while True:\n        pass\n"
    write_project(tmp_path, source, """
        import time
        from mod import loop
        def test_slow(): time.sleep(0.5)
        def test_loop(): loop()
        def test_slow_again(): time.sleep(2)  # passes: 5 times the slowest pass and a second
    """)
    report, _ = run_tests(spec_with(tmp_path, 4.0), {"mod.py": source})
    outcomes = {c.id.split(".")[-1]: c.outcome for c in report.cases}
    assert outcomes == {"test_slow": "passed", "test_loop": "failed", "test_slow_again": "passed"}


QUADRATIC = '''\
def f():  # the limit fires on the jump back to the inner loop's head, which Python 3.11 gives no line
    count = 0
    for i in range(100_000):
        for j in range(i + 1, 100_000):
            if i < j:
                count += 1
    return count
'''


@pytest.mark.slow
def test_a_timeout_in_a_nested_loop_is_a_timed_out_test_not_an_internal_error(tmp_path):
    write_project(tmp_path, QUADRATIC, THREE_TESTS)
    report, _ = run_tests(spec_with(tmp_path, 0.5), {"mod.py": QUADRATIC})
    outcomes = {c.id.split(".")[-1]: c.outcome for c in report.cases}
    assert outcomes == {"test_f": "failed", "test_before": "passed", "test_after": "passed"}, report.output
    hung = next(c for c in report.cases if c.id.endswith("test_f"))
    assert hung.timed_out and "caught or blocked" not in hung.message  # the limit ended it, not the watchdog
    assert re.search(r"mod\.py:[4-6]: in f", hung.traceback), hung.traceback  # where it looped
