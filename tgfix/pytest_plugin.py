"""Loaded into the test subprocess (`-p tgfix.pytest_plugin`): a per-test time limit, coverage
contexts named like the JUnit test ids (so fault localization can join the two), and test files
of plain top-level asserts collected as one test each."""

import ast
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


class AssertScript(pytest.Module):
    """A test file of top-level asserts and no test functions: running it is its one test.

    Plain pytest fails such a file at collection when an assert fails (which stops the whole
    session) and finds no test in it once every assert passes (exit 5: "no tests found").
    """

    def collect(self):
        return [ScriptRun.from_parent(self, name="<module>")]


class ScriptRun(pytest.Item):
    def runtest(self):
        self.parent.obj  # importing the module runs its asserts, rewritten by pytest for readable failures

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, pytest.Collector.CollectError):  # an import error pytest already formatted
            return str(excinfo.value)
        excinfo.traceback = excinfo.traceback.cut(path=self.path)  # from the test file on, not pytest's import
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, "top-level asserts"


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path, parent):
    if _is_assert_script(module_path):
        return AssertScript.from_parent(parent, path=module_path)
    return None


def _is_assert_script(path) -> bool:
    """No test function, and asserts that importing runs: outside functions, classes and `__main__` blocks."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return False
    definitions = [node for node in ast.walk(tree)
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    if any(node.name.startswith(("test", "Test")) for node in definitions):
        return False
    main_blocks = [node for node in ast.walk(tree) if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test)]
    not_run = {id(inner) for node in definitions + main_blocks for inner in ast.walk(node)}
    return any(isinstance(node, ast.Assert) and id(node) not in not_run for node in ast.walk(tree))
