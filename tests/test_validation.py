"""Validating a candidate against the current best stops once the answer is known (real pytest runs)."""

import textwrap
from dataclasses import replace

import pytest

from tgfix.optimizer import improvement
from tgfix.runner import NOT_RUN, SHORT_LIMIT, TestCase, TestReport, TestSpec, run_tests, validation_plan

GOOD = "def f():\n    return 1\n\ndef g():\n    return 2\n"
TESTS = """
    import time
    from mod import f, g

    def test_0_g_is_3():  # fails on the best: g() returns 2
        assert g() == 3

    def test_1_f():
        assert f() == 1

    def test_2_g():
        assert g() > 1

    def test_3_f_again():
        assert f() == 1
"""


def project(root, tests=TESTS, test_timeout=10.0) -> TestSpec:
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_mod.py").write_text(textwrap.dedent(tests))
    (root / "mod.py").write_text(GOOD)
    (root / "conftest.py").write_text("")
    return TestSpec(root, ("tests",), test_timeout=test_timeout)


def outcomes(report: TestReport) -> list[tuple[str, str]]:
    return [(case.id.rsplit(".", 1)[-1], case.outcome) for case in report.cases]


@pytest.mark.slow
def test_stops_at_the_first_previously_passing_test_that_fails(tmp_path):
    spec = project(tmp_path)
    before, _ = run_tests(spec, {"mod.py": GOOD})
    assert before.score == "3/4"
    after, _ = run_tests(spec, {"mod.py": GOOD.replace("return 1", "return 0")}, before=before)
    # The tests that passed ran first; test_1_f failed, so nothing else ran, not even the one failing before.
    assert outcomes(after) == [("test_1_f", "failed"), ("test_0_g_is_3", NOT_RUN), ("test_2_g", NOT_RUN),
                               ("test_3_f_again", NOT_RUN)]
    assert [case.id for case in after.failures] == ["tests.test_mod.test_1_f"]  # what a model could be shown
    assert after.not_run == {c.id for c in before.cases} - {"tests.test_mod.test_1_f"}
    assert not after.all_passed and after.score == "0/4"
    assert improvement(before, after)[0] is False
    assert "test_3_f_again" not in after.output  # it never ran


@pytest.mark.slow
def test_an_early_stop_skips_the_test_command_too(tmp_path):
    spec = replace(project(tmp_path), command="python -c pass")
    before, _ = run_tests(spec, {"mod.py": GOOD})
    after, _ = run_tests(spec, {"mod.py": GOOD.replace("return 1", "return 0")}, before=before)
    assert [c.outcome for c in after.cases if c.id == "command: python -c pass"] == [NOT_RUN]


@pytest.mark.slow
def test_a_candidate_that_breaks_nothing_runs_every_test(tmp_path):
    spec = project(tmp_path)
    before, _ = run_tests(spec, {"mod.py": GOOD})
    fixed = GOOD.replace("return 2", "return 3")
    after, _ = run_tests(spec, {"mod.py": fixed}, before=before)
    assert outcomes(after) == [("test_1_f", "passed"), ("test_2_g", "passed"), ("test_3_f_again", "passed"),
                               ("test_0_g_is_3", "passed")]  # the one failing on the best runs last
    assert not after.not_run and after.all_passed
    assert improvement(before, after) == (True, "tests 3/4 -> 4/4")


LOOPING = """
    from mod import f, g

    def test_f():
        assert f() == 1

    def test_loop():
        while g() != 3:
            pass
"""


@pytest.mark.slow
def test_a_test_that_timed_out_on_the_best_gets_a_short_limit(tmp_path):
    spec = project(tmp_path, LOOPING, test_timeout=3)
    before, _ = run_tests(spec, {"mod.py": GOOD})
    (looped,) = before.failures
    assert looped.timed_out and looped.seconds >= 3
    still_looping = GOOD.replace("return 1", "return 1  # a candidate that changes nothing that matters")
    after, _ = run_tests(spec, {"mod.py": still_looping}, before=before)
    loop = next(case for case in after.cases if case.id.endswith("test_loop"))
    assert loop.timed_out and loop.seconds < 2
    assert loop.message.startswith(f"TimeoutError: test exceeded {validation_plan(before, 3).limits[loop.id]:g} s")


@pytest.mark.slow
def test_the_default_limit_comes_from_the_passing_tests(tmp_path):
    slow_when_broken = """
        import time
        from mod import f

        def test_f():
            if f() != 1:
                time.sleep(3)
            assert True
    """
    spec = project(tmp_path, slow_when_broken, test_timeout=10)
    before, _ = run_tests(spec, {"mod.py": GOOD})
    slow = GOOD.replace("return 1", "return 0")
    full, _ = run_tests(spec, {"mod.py": slow})
    assert full.all_passed  # within --test-timeout
    after, _ = run_tests(spec, {"mod.py": slow}, before=before)
    (case,) = after.cases
    assert case.timed_out and case.seconds < 2.5  # killed at about a second: 5 x the ~0 s it took, + 1 s


def passed(name, seconds):
    return TestCase(name, "passed", seconds=seconds)


def timed_out(name):
    return TestCase(name, "failed", message="TimeoutError: test exceeded 10 s (infinite loop?)", seconds=10)


def test_validation_plan():
    report = TestReport((passed("slow", 0.4), timed_out("loop"), passed("fast", 0.1),
                         TestCase("wrong", "failed", message="assert 1 == 2")))
    plan = validation_plan(report, ceiling=10)
    assert plan.must_pass == ("fast", "slow")  # cheapest first
    assert plan.timeout == 3.0 and plan.limits == {"loop": 3.0}  # 5 x 0.4 + 1
    assert validation_plan(report, ceiling=2).timeout == 2  # --test-timeout is the ceiling
    assert validation_plan(report, ceiling=0).timeout == 3.0  # 0: no ceiling
    quick = validation_plan(TestReport((passed("a", 0.001), timed_out("loop"))), ceiling=10)
    assert quick.timeout == 1.005 and quick.limits == {"loop": 1.005}  # at least a second
    nothing_passed = validation_plan(TestReport((timed_out("loop"), TestCase("wrong", "failed"))), ceiling=10)
    assert nothing_passed.must_pass == () and nothing_passed.timeout == 10
    assert nothing_passed.limits == {"loop": SHORT_LIMIT}


def test_not_run_is_neither_passing_nor_a_failure():
    report = TestReport((passed("a", 0), TestCase("b", NOT_RUN)))
    assert report.passed == {"a"} and report.failures == () and report.not_run == {"b"}
    assert not report.all_passed and report.score == "1/2"
