"""Forward pass: JUnit parsing and real pytest runs in the sandbox."""

import re
import textwrap

import pytest

from conftest import BUGGY_STATS
from tgfix.errors import TestSetupError
from tgfix.runner import TestReport, TestSpec, parse_junit, run_tests

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5">
<testcase classname="tests.test_a" name="test_ok" time="0.001"/>
<testcase classname="tests.test_a" name="test_bad" time="0.002">
  <failure message="assert 3 == 2">tests/test_a.py:5: in test_bad
    assert f() == 2
E   assert 3 == 2</failure></testcase>
<testcase classname="tests.test_a" name="test_fixture" time="0">
  <error message="failed on setup with &quot;KeyError&quot;">KeyError: 'x'</error></testcase>
<testcase classname="tests.test_a" name="test_skip" time="0"><skipped message="not today"/></testcase>
<testcase classname="" name="tests.test_b" time="0">
  <error message="collection failure">ImportError: cannot import name 'g'</error></testcase>
</testsuite></testsuites>"""


def test_parse_junit_outcomes():
    cases = {c.id: c for c in parse_junit(JUNIT)}
    assert cases["tests.test_a.test_ok"].outcome == "passed"
    assert cases["tests.test_a.test_bad"].outcome == "failed"
    assert cases["tests.test_a.test_bad"].message == "assert 3 == 2"
    assert "assert f() == 2" in cases["tests.test_a.test_bad"].traceback
    assert cases["tests.test_a.test_fixture"].outcome == "error"
    assert cases["tests.test_a.test_skip"].outcome == "skipped"
    assert cases["tests.test_b"].outcome == "error"  # collection error counts as a failure


def test_report_scores():
    report = TestReport(parse_junit(JUNIT))
    assert report.passed == {"tests.test_a.test_ok"}
    assert report.score == "1/5"
    assert len(report.failures) == 3  # skipped is not a failure
    assert not report.all_passed


def write_project(root, source, tests):
    (root / "tests").mkdir(parents=True, exist_ok=True)
    (root / "mod.py").write_text(source)
    (root / "tests" / "test_mod.py").write_text(textwrap.dedent(tests))
    (root / "conftest.py").write_text("")
    return TestSpec(root, ("tests",), test_timeout=1.0)


@pytest.mark.slow
def test_real_run_fail_pass_and_timeout(tmp_path):
    spec = write_project(tmp_path, "def f():\n    return 3\n\ndef loop():\n    while True:\n        pass\n", """
        from mod import f, loop
        def test_f(): assert f() == 2
        def test_true(): assert True
        def test_loop(): loop()
    """)
    report, _ = run_tests(spec, {"mod.py": (tmp_path / "mod.py").read_text()})
    outcomes = {c.id.split(".")[-1]: c.outcome for c in report.cases}
    assert outcomes == {"test_f": "failed", "test_true": "passed", "test_loop": "failed"}
    loop = next(c for c in report.cases if c.id.endswith("test_loop"))
    assert "infinite loop" in loop.message


@pytest.mark.slow
def test_a_failure_that_quotes_a_path_into_the_copy_reads_the_same_every_run(tmp_path):
    """The copy's folder is new each run; a path into it is written relative to the project, as pytest
    writes its own, so that the same failure makes the same prompt (and cache key) every time."""
    root, tests = tmp_path / "project", tmp_path / "tests"
    root.mkdir()
    tests.mkdir()
    (root / "mod.py").write_text("import os\nWHERE = os.path.abspath(__file__)\n")
    (tests / "test_mod.py").write_text("import mod\ndef test_where(): raise ValueError(mod.WHERE, __file__)\n")
    spec = TestSpec(root, ("../tests",), beside=(tests,), test_timeout=5.0)
    runs = [run_tests(spec, {"mod.py": (root / "mod.py").read_text()})[0] for _ in range(2)]
    (first,), (second,) = (run.cases for run in runs)
    assert first.message == "ValueError: ('mod.py', '../tests/test_mod.py')"
    assert (first.message, first.traceback) == (second.message, second.traceback)
    assert "tgfix-" not in first.traceback + runs[0].output


@pytest.mark.slow
def test_candidate_source_is_tested_not_the_users_file(tmp_path):
    spec = write_project(tmp_path, "def f():\n    return 3\n", "from mod import f\ndef test_f(): assert f() == 2\n")
    report, _ = run_tests(spec, {"mod.py": "def f():\n    return 2\n"})
    assert report.all_passed
    assert (tmp_path / "mod.py").read_text() == "def f():\n    return 3\n"


def test_collection_error_is_a_failure(tmp_path):
    spec = write_project(tmp_path, "def f(:\n", "from mod import f\ndef test_f(): assert f() == 2\n")
    report, _ = run_tests(spec, {"mod.py": "def f(:\n"})
    assert not report.all_passed and report.failures


@pytest.mark.slow
def test_no_tests_is_a_setup_error(tmp_path):
    spec = write_project(tmp_path, "x = 1\n", "y = 2\n")
    with pytest.raises(TestSetupError, match="no tests found"):
        run_tests(spec, {"mod.py": "x = 1\n"})


@pytest.mark.slow
def test_coverage_per_test(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "stats.py").write_text(BUGGY_STATS)
    (tmp_path / "conftest.py").write_text("")
    (tmp_path / "tests" / "test_s.py").write_text(
        "from stats import largest, mean\ndef test_mean(): assert mean([2]) == 2\n"
        "def test_largest(): assert largest([1, 5]) == 5\n")
    report, coverage = run_tests(TestSpec(tmp_path, ("tests",)), {"stats.py": BUGGY_STATS}, coverage_of=("stats.py",))
    assert coverage["stats.py"][2] == {"tests.test_s.test_mean"}
    assert coverage["stats.py"][8] == {"tests.test_s.test_largest"}


def test_test_command_runner(tmp_path):
    (tmp_path / "mod.py").write_text("x = 1\n")
    spec = TestSpec(tmp_path, (), command="python -c 'import mod; assert mod.x == 2'")
    assert not run_tests(spec, {"mod.py": "x = 1\n"})[0].all_passed
    assert run_tests(spec, {"mod.py": "x = 2\n"})[0].all_passed


def test_the_test_command_runs_through_the_shell(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "check.py").write_text("import sys; sys.path.insert(0, '..'); import mod; assert mod.x == 2\n")
    (tmp_path / "mod.py").write_text("x = 1\n")
    spec = TestSpec(tmp_path, (), command="cd sub && python check.py && echo $((40 + 2))")
    assert not run_tests(spec, {"mod.py": "x = 1\n"})[0].all_passed
    passing = run_tests(spec, {"mod.py": "x = 2\n"})[0]
    assert passing.all_passed and "42" in passing.output


@pytest.mark.parametrize("command", ["no-such-command-xyz --check", "make test", "cd nowhere && true", "./tests.sh"])
def test_a_test_command_that_cannot_start_is_a_setup_error(tmp_path, command):
    (tmp_path / "tests.sh").write_text("exit 0\n")  # not executable
    spec = TestSpec(tmp_path, (), command=command)
    with pytest.raises(TestSetupError, match=f"test command cannot start: {re.escape(command)}: "):
        run_tests(spec, {"mod.py": "x = 1\n"})


@pytest.mark.slow
def test_no_tests_found_says_what_pytest_said_not_a_coverage_warning(tmp_path):
    (tmp_path / "tests").mkdir()
    with pytest.raises(TestSetupError) as caught:
        run_tests(TestSpec(tmp_path, ("tests",)), {"mod.py": "x = 1\n"}, coverage_of=("mod.py",))
    assert str(caught.value).startswith("no tests found in tests: ") and "warn" not in str(caught.value)


TRACED = '''\
class Opaque:
    def __repr__(self):
        raise RuntimeError("no repr")


def largest(xs):
    best, odd = xs[0], Opaque()
    for x in xs:
        if x < best:
            best = x
    return best
'''

TRACED_TESTS = '''\
from traced import largest


def test_passes():
    assert largest([1]) == 1


def test_largest():
    assert largest([1, 3, 2]) == 3
'''


@pytest.fixture
def traced(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "traced.py").write_text(TRACED)
    (tmp_path / "tests" / "test_traced.py").write_text(TRACED_TESTS)
    return tmp_path


def test_trace_holds_the_last_lines_the_failing_test_ran_with_their_variables(traced):
    from tgfix.runner import trace_test

    steps = trace_test(TestSpec(traced, ("tests",)), {}, "traced.py", "tests.test_traced.test_largest")
    assert steps[-1] == {"line": 11, "returned": "1"}
    # a failing __repr__ does not end the trace, and no memory address makes two runs differ
    assert {"line": 9, "locals": {"xs": "[1, 3, 2]", "best": "1", "odd": "<Opaque instance>", "x": "2"}} in steps


@pytest.mark.slow
def test_trace_of_a_test_that_is_not_there_is_empty(traced):
    from tgfix.runner import trace_test

    assert trace_test(TestSpec(traced, ("tests",)), {}, "traced.py", "tests.test_traced.test_gone") == ()


@pytest.mark.slow
def test_the_loss_shows_the_trace_only_when_asked(traced):
    from tgfix.loss import TestLoss
    from tgfix.variable import Variable

    x = Variable.from_file(traced / "traced.py", root=traced)
    shown = TestLoss(tests=str(traced / "tests"), trace=True)(x).text()
    assert "The last lines of traced.py that tests.test_traced.test_largest ran" in shown
    assert "  line 11: return best  -> returned 1" in shown
    assert "  line 10: best = x  [" not in shown  # never ran: 3 and 2 are not below 1
    assert "The last lines" not in TestLoss(tests=str(traced / "tests"))(x).text()
