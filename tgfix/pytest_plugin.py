"""Loaded into the test subprocess (`-p tgfix.pytest_plugin`): a per-test time limit, and
coverage contexts named like the JUnit test ids, so fault localization can join the two."""

import os
import signal

import pytest
from _pytest.junitxml import mangle_test_address

TIMEOUT = float(os.environ.get("TGFIX_TEST_TIMEOUT", "0"))


def junit_id(nodeid: str) -> str:
    return ".".join(mangle_test_address(nodeid))


def _on_alarm(signum, frame):
    __tracebackhide__ = True
    raise TimeoutError(f"test exceeded {TIMEOUT:g} s (infinite loop?)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    coverage = _current_coverage()
    if coverage:
        coverage.switch_context(junit_id(item.nodeid))
    if TIMEOUT > 0:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if coverage:
            coverage.switch_context("")


def _current_coverage():
    try:
        import coverage
    except ImportError:
        return None
    return coverage.Coverage.current()
