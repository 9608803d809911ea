"""Loaded into the test subprocess, as `-p tgfix_pytest_plugin` from a folder that holds only this
file and its line sampler (so it imports nothing else of tgfix, and runs in the project's own
environment): per-test time
limits, coverage contexts named like the JUnit test ids (so fault localization can join the two),
test files of plain top-level asserts collected as one test each, and the validation plan.

The plan (TGFIX_TEST_PLAN, a JSON file) makes validating a candidate stop once the answer is
known: the tests that passed on the current best run first, and the run stops at the first of
them that fails, since such a candidate can no longer be accepted. It also sets per-test limits.

With TGFIX_ONLY (a JSON list of test ids), only those tests run (a candidate's selected tests, or
its confirmation), and test modules that hold none of them are not even collected.

A test's limit holds whatever the code under test catches: the limit raises TimeoutError in the
test, the test fails as timed out even if the code caught it, and WATCHDOG_GRACE later a watchdog
(faulthandler's, a thread outside Python) ends the process, after writing the test's stacks to
TGFIX_HUNG_FILE, which names the test running; the runner then runs the remaining tests in a new
process. Once a test has timed out (TGFIX_TIMEOUTS_SPENT carries the seconds over from such an
earlier process), the tests after it get TGFIX_SHORT_LIMIT, unless passing tests were slower; once
timeouts have cost TIMEOUT_BUDGET limits in all, the remaining tests count as timed out unrun.

With TGFIX_TRACE (JSON: file, test, out), only that test runs, and the last lines of `file` it
executed are written to `out` with the file's local variables before each of them (as LDB,
"Debug like a human", Zhong et al. 2024): what the program computed, not what a model guesses.

With TGFIX_MODULES (JSON: out, names), the file those modules were imported from (null: never
imported) is written to `out` at the end: tgfix checks that the tests imported its copy of FILE.
With TGFIX_CONNECTS (a file), every address the tests connect to, or try to, is appended to it:
what tgfix checks when a test's connection was refused in the sandbox.

Whatever the project's addopts (or PYTEST_ADDOPTS) say, every selected test runs and reports its
outcome: the options that stop early, run only some tests, only collect or wait in a debugger are
undone, and xdist's -n (the tests run in one process); every other option (-p, --import-mode,
pythonpath, -m, markers...) is kept.

Every hook here is idempotent: a conftest naming `tgfix.pytest_plugin` may load a second copy.
"""

import ast
import collections
import faulthandler
import json
import os
import re
import reprlib
import signal
import sys
import types

import pytest
from _pytest.junitxml import mangle_test_address

try:  # in tgfix's test runs: copied beside this file (it also samples lines under TGFIX_PROFILE)
    from tgfix_line_sampler import line_of
except ImportError:  # loaded by a project's own conftest as tgfix.pytest_plugin
    from tgfix.line_sampler import line_of

TIMEOUT = float(os.environ.get("TGFIX_TEST_TIMEOUT", "0"))
SHORT_LIMIT = float(os.environ.get("TGFIX_SHORT_LIMIT", "0"))
HUNG_FILE = os.environ.get("TGFIX_HUNG_FILE")
CAUGHT = "the code under test caught or blocked the TimeoutError"
WATCHDOG_GRACE = 0.5  # seconds for a TimeoutError nobody caught to end the test
TIMEOUT_BUDGET = 1.5  # default limits that timeouts may cost in one run before the remaining tests count as timed out


def _read_plan() -> dict:
    path = os.environ.get("TGFIX_TEST_PLAN")
    if not path:
        return {}
    with open(path) as plan:
        return json.load(plan)


PLAN = _read_plan()
MUST_PASS = {test_id: rank for rank, test_id in enumerate(PLAN.get("must_pass", ()))}  # id -> position in the run
LIMITS = PLAN.get("limits", {})  # id -> seconds, where the default does not apply
DEFAULT_LIMIT = PLAN.get("timeout", TIMEOUT)
TRACE = json.loads(os.environ["TGFIX_TRACE"]) if os.environ.get("TGFIX_TRACE") else {}
MODULES = json.loads(os.environ["TGFIX_MODULES"]) if os.environ.get("TGFIX_MODULES") else {}
ONLY = frozenset(json.loads(os.environ["TGFIX_ONLY"])) if "TGFIX_ONLY" in os.environ else None
TRACE_LINES = 12  # the last this many lines executed
TRACE_LOCALS = 8  # variables shown per line
CONNECTS = os.environ.get("TGFIX_CONNECTS", "")
_short = reprlib.Repr()  # (keyword arguments only from Python 3.12 on)
_short.maxstring = _short.maxother = 40
_short.maxlist = _short.maxtuple = _short.maxset = 6
_short.maxdict = 4


def _record_connect(event, args):
    if event == "socket.connect" and isinstance(args[1], tuple) and len(args[1]) >= 2:  # an IP address
        with open(CONNECTS, "a") as out:
            out.write(json.dumps(list(args[1][:2])) + "\n")


if CONNECTS:
    sys.addaudithook(_record_connect)


# option (its dest) -> the value under which it hides no outcome: -x/--exitfirst and --maxfail stop early,
# --sw (and --sw-skip, --sw-reset) stops at the first failure, --co runs nothing, --pdb/--trace wait for
# a debugger that never answers; xdist's -n runs the tests in workers, out of coverage's sight (no
# localization) and out of the validation plan's order. (--lf, --ff and --nf find the copy's empty cache.)
EVERY_OUTCOME = {"maxfail": 0, "stepwise": False, "stepwise_skip": False, "stepwise_reset": False,
                 "collectonly": False, "usepdb": False, "trace": False, "numprocesses": 0, "dist": "no"}


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Before the session is configured, so that --sw never starts."""
    for name, value in EVERY_OUTCOME.items():
        if hasattr(config.option, name):  # a plugin the project disabled (-p no:stepwise) has no option
            setattr(config.option, name, value)


def junit_id(nodeid: str) -> str:
    return ".".join(mangle_test_address(nodeid))


_timeouts = {"spent": float(os.environ.get("TGFIX_TIMEOUTS_SPENT", "0")), "count": 0}  # in this run
_slowest_pass = 0.0  # seconds, of the tests that passed so far in this process
_running_limit = 0.0  # the limit of the test running now, for the message
_fired_in = None  # the node id of the test whose limit fired


def _limit(item) -> tuple[float, str]:
    """The test's limit in seconds, and why it is that short when it is."""
    test_id = junit_id(item.nodeid)
    if test_id in LIMITS or not (_timeouts["spent"] and SHORT_LIMIT and DEFAULT_LIMIT):
        return LIMITS.get(test_id, DEFAULT_LIMIT), ""
    short = max(SHORT_LIMIT, 5 * _slowest_pass + 1)  # as runner.validation_plan measures
    return (short, "the limit once a test has timed out; ") if short < DEFAULT_LIMIT else (DEFAULT_LIMIT, "")


def _on_alarm(signum, frame):
    global _fired_in
    __tracebackhide__ = True
    _fired_in = _running_test
    raise TimeoutError(_timeout_message())


def _timeout_message() -> str:
    return f"test exceeded {_running_limit:g} s ({_running_why}infinite loop?)"


_running_test, _running_why = "", ""
_hung = open(HUNG_FILE, "wb", buffering=0) if HUNG_FILE else None  # the watchdog writes to it, so it stays open


def _arm_watchdog(item, limit: float) -> None:
    """Name the test in HUNG_FILE, then have faulthandler append the stacks and end the process
    if the test outlives its limit (it caught or blocked the TimeoutError)."""
    if _hung is None:
        return
    _hung.seek(0)
    _hung.truncate()
    _hung.write(json.dumps({"nodeid": item.nodeid, "id": junit_id(item.nodeid), "limit": limit,
                            "message": _timeout_message()}).encode() + b"\n")
    faulthandler.dump_traceback_later(limit + WATCHDOG_GRACE, exit=True, file=_hung)


def _disarm_watchdog() -> None:
    if _hung is not None:
        faulthandler.cancel_dump_traceback_later()
        _hung.seek(0)
        _hung.truncate()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    global _running_limit, _running_test, _running_why, _fired_in
    coverage = _current_coverage()
    if coverage:
        coverage.switch_context(junit_id(item.nodeid))
    limit, _running_why = _limit(item)
    _running_test, _fired_in = item.nodeid, None
    if _timeouts["spent"] >= TIMEOUT_BUDGET * DEFAULT_LIMIT > 0:
        raise TimeoutError(f"not run after {_timeouts['count'] or 'earlier'} tests timed out "
                           f"({_timeouts['spent']:g} s in all): counted as timed out too (infinite loop?)")
    if limit > 0:
        _running_limit = limit
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
        _arm_watchdog(item, limit)
    tracer = _LastLines(TRACE["file"]) if TRACE else None
    if tracer:
        sys.settrace(tracer.on_call)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _disarm_watchdog()
        if coverage:
            coverage.switch_context("")
        if tracer:  # a trace run has no coverage, whose tracer this would replace
            sys.settrace(None)
            with open(TRACE["out"], "w") as out:
                json.dump(list(tracer.lines), out)


class _LastLines:
    """The last lines executed in one file, each with that frame's locals just before it ran."""

    def __init__(self, path: str):
        self.path = path
        self.lines = collections.deque(maxlen=TRACE_LINES)

    def on_call(self, frame, event, arg):
        return self.on_event if frame.f_code.co_filename == self.path else None

    def on_event(self, frame, event, arg):
        if event == "line":
            self.lines.append({"line": frame.f_lineno, "locals": _locals(frame)})
        elif event == "return":
            self.lines.append({"line": frame.f_lineno, "returned": _repr(arg)})
        elif event == "exception":
            self.lines.append({"line": frame.f_lineno, "raised": f"{arg[0].__name__}: {_repr(arg[1])}"})
        return self.on_event


def _locals(frame) -> dict:
    names = [name for name in frame.f_locals if not name.startswith("__")][:TRACE_LOCALS]
    return {name: _repr(frame.f_locals[name]) for name in names}


def _repr(value) -> str:
    """Short, and without memory addresses: the same program state reads the same in every run."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", _short.repr(value))  # reprlib survives a failing __repr__


def pytest_ignore_collect(collection_path, config):
    """With TGFIX_ONLY, skip the test modules none of whose tests are wanted: importing a large suite's
    modules costs more than running a few of its tests. Only files under the rootdir, where a module's
    test ids begin with its path, dotted (junit_id); packages and conftests are always collected."""
    if ONLY is None or collection_path.suffix != ".py" or collection_path.name in ("__init__.py", "conftest.py"):
        return None
    try:
        module = junit_id(collection_path.relative_to(config.rootpath).as_posix())
    except ValueError:  # outside the rootdir: its node ids are not its path
        return None
    return True if not any(i.startswith(module + ".") for i in ONLY) else None


@pytest.hookimpl(trylast=True)  # after pytest's own reordering by fixture scope, which the stable sort keeps
def pytest_collection_modifyitems(items):
    if TRACE:
        items[:] = [item for item in items if junit_id(item.nodeid) == TRACE["test"]]
    if ONLY is not None:
        items[:] = [item for item in items if junit_id(item.nodeid) in ONLY]
    if MUST_PASS:
        items.sort(key=lambda item: MUST_PASS.get(junit_id(item.nodeid), len(MUST_PASS)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    global _slowest_pass
    if call.excinfo is not None:
        call.excinfo = pytest.ExceptionInfo.from_exc_info((call.excinfo.type, call.excinfo.value,
                                                           _with_lines(call.excinfo.tb)))
    report = (yield).get_result()
    if call.when == "call" and _fired_in == item.nodeid:
        if not (call.excinfo and str(call.excinfo.value) == _timeout_message()):  # the code caught the TimeoutError
            report.outcome = "failed"
            report.longrepr = f"TimeoutError: {_timeout_message()}; {CAUGHT}"
        _timeouts["spent"] += _running_limit
        _timeouts["count"] += 1
    elif call.when == "call" and report.passed:
        _slowest_pass = max(_slowest_pass, report.duration)
    if report.failed and junit_id(item.nodeid) in MUST_PASS:
        item.session.shouldfail = f"tgfix: {junit_id(item.nodeid)} passed before and fails now"


def _with_lines(tb):
    """The traceback with a line in every entry. An exception raised at an instruction without a line
    (the time limit firing on Python 3.11's jump back to a loop's head) has an entry whose tb_lineno is
    None, which crashes pytest's report of the test: it gets the line of the instruction before."""
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    rebuilt = None
    for entry in reversed(entries):
        line = entry.tb_lineno if entry.tb_lineno is not None else line_of(entry.tb_frame.f_code, entry.tb_lasti)
        rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, line)
    return rebuilt


_imported = {}  # module name -> the file it was first seen imported from


def _note_imported() -> None:
    for name in MODULES.get("names", ()):
        found = getattr(sys.modules.get(name), "__file__", None)
        if found and name not in _imported:
            _imported[name] = found


def pytest_collection_finish(session):
    _note_imported()  # the test modules imported theirs: a test may still delete it from sys.modules


def pytest_sessionfinish(session):
    if MODULES:
        _note_imported()
        with open(MODULES["out"], "w") as out:
            json.dump({name: _imported.get(name) for name in MODULES["names"]}, out)


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
