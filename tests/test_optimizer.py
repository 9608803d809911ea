"""The engine as a library: variable, loss, backward, step; the acceptance rule and memory."""

import dataclasses
import time

import pytest

import tgfix as tg
from tgfix import local
from conftest import BUGGY_STATS, FIXED_STATS, fenced
from fake_openai import FakeOpenAI
from tgfix.gradient import CRITIQUE_TOKENS, failure_clusters
from tgfix.budget import Budget
from tgfix.optimizer import bare_messages, improvement
from tgfix.runner import TestCase, TestReport

CRITIQUE = "The code fails test_largest because line 8 keeps the smaller value."


def report(**outcomes):
    return TestReport(tuple(TestCase(name, outcome) for name, outcome in outcomes.items()))


def test_acceptance_needs_more_passing():
    before = report(a="passed", b="failed", c="failed")
    assert improvement(before, report(a="passed", b="passed", c="failed")) == (True, "tests 1/3 -> 2/3")
    ok, why = improvement(before, report(a="passed", b="failed", c="failed"))
    assert not ok and why.startswith("no gain")


def test_regression_rejected_even_when_count_rises():
    before = report(a="passed", b="failed", c="failed")
    ok, why = improvement(before, report(a="failed", b="passed", c="passed"))
    assert not ok and why == "regression: a now fails"


@pytest.fixture
def x(project):
    return tg.Variable.from_file(project / "stats.py")


@pytest.fixture
def loss_fn(project):
    return tg.TestLoss(tests=project / "tests")


def step_once(x, loss_fn, scripted, *replies, **options):
    scripted += [CRITIQUE, *replies]
    engine = tg.LLM("openai/scripted", cache=None)
    loss = loss_fn(x)
    tg.backward(loss, engine)
    return tg.TGD([x], model=engine, **options).step(loss)


@pytest.mark.slow
def test_pytorch_shaped_loop_repairs(x, loss_fn, scripted):
    scripted += [CRITIQUE, fenced(FIXED_STATS)]
    engine = tg.LLM("openai/scripted", cache=None)
    opt = tg.TGD([x], model=engine)
    for _ in range(3):
        loss = loss_fn(x)
        if loss.passed:
            break
        tg.backward(loss, engine)
        opt.step(loss)
        opt.zero_grad()
    assert loss.passed and x.value == FIXED_STATS
    assert x.memory[0].accepted and x.memory[0].outcome == "tests 2/4 -> 4/4"


@pytest.mark.slow
def test_backward_prompt_carries_the_loss(x, loss_fn, scripted):
    scripted.append(CRITIQUE)
    loss = loss_fn(x)
    gradient = tg.backward(loss, tg.LLM("openai/scripted", cache=None))
    prompt = scripted.requests[0]["messages"][1]["content"]
    assert "tests.test_stats.test_largest" in prompt and "Tests passing: 2/4" in prompt
    assert "   8| " in prompt  # the file, line-numbered
    assert "line 8" in prompt  # fault localization
    assert x.grad == gradient == CRITIQUE


@pytest.mark.slow
def test_critique_is_capped_and_a_looping_one_kept_once(x, loss_fn, scripted):
    scripted.append(f"{CRITIQUE}\n\nSecond point.\n\n{CRITIQUE}\n\nSecond point.\n\n{CRITIQUE[:20]}")
    gradient = tg.backward(loss_fn(x), tg.LLM("openai/scripted", cache=None, max_tokens=4096))
    assert scripted.requests[0]["max_tokens"] == CRITIQUE_TOKENS < 4096
    assert gradient == f"{CRITIQUE}\n\nSecond point.\n\n{CRITIQUE[:20]}"


@pytest.mark.slow
def test_the_gradient_holds_no_code(x, loss_fn, scripted):
    scripted.append(f"{CRITIQUE}\n\nHere is the fix:\n\n```python\ndef largest(xs):\n    return max(xs)\n```\n\nThen:\n```py\nx = 1")
    gradient = tg.backward(loss_fn(x), tg.LLM("openai/scripted", cache=None))
    assert gradient == f"{CRITIQUE}\n\nHere is the fix:\n\nThen:"


@pytest.mark.slow
def test_rejected_step_keeps_value_and_feeds_memory(x, loss_fn, scripted):
    worse = BUGGY_STATS.replace("return sum(xs) / len(xs)", "return 0")
    result = step_once(x, loss_fn, scripted, fenced(worse), "no code")  # the second opinion: no code either
    assert not result.accepted and "regression" in result.reason
    assert x.value == BUGGY_STATS
    assert not x.memory[0].accepted and "-    return sum(xs) / len(xs)" in x.memory[0].diff


@pytest.mark.slow
def test_memory_reaches_the_next_prompts(x, loss_fn, scripted):
    step_once(x, loss_fn, scripted, "sorry, no code", "sorry, no code")
    scripted += [CRITIQUE, fenced(FIXED_STATS)]
    engine = tg.LLM("openai/scripted", cache=None)
    loss = loss_fn(x)
    tg.backward(loss, engine)
    tg.TGD([x], model=engine).step(loss)
    gradient_prompt, step_prompt = (r["messages"][1]["content"] for r in scripted.requests[-2:])
    for prompt in (gradient_prompt, step_prompt):
        assert "<PAST_ATTEMPTS>" in prompt and "no ```python code block" in prompt


@pytest.mark.slow
def test_a_later_step_reads_the_first_steps_prompt_with_the_memory_added(x, loss_fn, scripted):
    """One repair prompt: a later step repeats the first one's file and failure, so the embedded
    model reuses that prefix (adapter._request), and adds what earlier attempts got."""
    scripted += [fenced(BUGGY_STATS.replace("return sum(xs) / len(xs)", "return 0")), fenced(FIXED_STATS)]
    optimizer = tg.TGD([x], model=tg.LLM("openai/scripted", cache=None), second_opinion=None)
    loss = loss_fn(x)
    optimizer.step(loss)
    optimizer.step(loss)
    first, later = (r["messages"] for r in scripted.requests)
    assert first[0] == later[0]
    head, tail = first[1]["content"].split("\nThe tests are correct.")
    assert later[1]["content"].startswith(head) and "<PAST_ATTEMPTS>" in later[1]["content"]


@pytest.mark.slow
def test_syntax_error_rejected_before_tests(x, loss_fn, scripted):
    result = step_once(x, loss_fn, scripted, fenced("def largest(:\n"), second_opinion=None)
    assert result.candidates[0].report is None
    assert result.reason.startswith("syntax error")


@pytest.mark.slow
def test_first_candidate_is_greedy_the_others_sampled_and_the_best_kept(x, loss_fn, scripted):
    half = FIXED_STATS.replace("best = xs[0]", "best = 0")
    result = step_once(x, loss_fn, scripted, fenced(half), fenced(FIXED_STATS), "no code", candidates=3)
    assert result.accepted and x.value == FIXED_STATS
    sampling = [(r["temperature"], r["seed"]) for r in scripted.requests[1:]]
    assert sampling == [(0.0, 0), (0.8, 1), (0.8, 2)]


@pytest.mark.slow
def test_after_a_miss_a_second_opinion_then_fresh_samples(x, loss_fn, scripted):
    """The first step's miss brings the greedy answer to the plain request; later proposals are samples."""
    engine = tg.LLM("openai/scripted", cache=None)
    opt = tg.TGD([x], model=engine)
    scripted += ["no code", "still no code", fenced(FIXED_STATS)]
    plain_request = bare_messages(loss_fn(x))
    first = opt.step(loss_fn(x))
    assert not first.accepted and len(first.candidates) == 2
    assert opt.step(loss_fn(x)).accepted
    assert [(r["temperature"], r["seed"]) for r in scripted.requests] == [(0.0, 0), (0.0, 0), (1.0, 2)]
    assert scripted.requests[1]["messages"] == plain_request


@pytest.mark.slow
def test_the_second_opinions_fix_is_kept_and_a_first_fix_needs_none(x, loss_fn, scripted):
    half = FIXED_STATS.replace("best = xs[0]", "best = 0")  # passes 3 of 4
    result = step_once(x, loss_fn, scripted, fenced(half), fenced(FIXED_STATS))
    assert result.accepted and x.value == FIXED_STATS
    assert [c.verdict for c in result.candidates] == ["tests 2/4 -> 3/4", "tests 2/4 -> 4/4"]
    x.value = BUGGY_STATS
    fixed_first = step_once(x, loss_fn, scripted, fenced(FIXED_STATS))  # the script would fail on a third call
    assert fixed_first.accepted and len(fixed_first.candidates) == 1


@pytest.mark.slow
def test_a_budget_spent_before_the_second_opinion_keeps_the_first_answer(x, loss_fn, scripted):
    half = FIXED_STATS.replace("best = xs[0]", "best = 0")
    scripted += [fenced(half)]
    engine = tg.LLM("openai/scripted", cache=None, budget=Budget(max_calls=1))
    result = tg.TGD([x], model=engine).step(loss_fn(x))
    assert result.accepted and x.value == half and len(result.candidates) == 1


@pytest.mark.slow
def test_a_source_tried_before_is_not_tested_again(x, loss_fn, scripted):
    worse = BUGGY_STATS.replace("return sum(xs) / len(xs)", "return 0")
    respelled = worse.replace("return 0", "return 0  # same program, other spelling")
    engine = tg.LLM("openai/scripted", cache=None)
    opt = tg.TGD([x], model=engine, second_opinion=None)
    scripted += [fenced(worse), fenced(respelled), fenced(BUGGY_STATS.replace("(xs)", "( xs )"))]
    first, second, third = (opt.step(loss_fn(x)) for _ in range(3))
    assert first.new_ideas == 1 and "regression" in first.reason
    assert second.new_ideas == 0 and second.reason.startswith("tried before: regression")
    assert second.candidates[0].report is first.candidates[0].report
    assert third.new_ideas == 0 and third.reason.startswith("tried before: no gain")  # the current file, respelt


@pytest.mark.slow
@pytest.mark.parametrize("model, hot", [("openai/scripted", 1.0), (local.LOCAL_MODEL, 1.1)])
def test_a_step_without_a_new_idea_makes_the_next_one_sample_hotter_without_the_memory(x, loss_fn, scripted,
                                                                                       model, hot):
    """Shown its rejected attempt, the 1.5B model answered with it again 11 times in a row (case 40).
    Hotter, it returns the file unchanged less often; a remote provider's range may end at 1."""
    worse = BUGGY_STATS.replace("return sum(xs) / len(xs)", "return 0")
    other = BUGGY_STATS.replace("return sum(xs) / len(xs)", "return 1")
    opt = tg.TGD([x], model=tg.LLM(model, cache=None), second_opinion=None)
    scripted += [fenced(worse), fenced(worse), fenced(BUGGY_STATS), "no code", fenced(other), fenced(FIXED_STATS)]
    results = [opt.step(loss_fn(x)) for _ in range(6)]
    assert [r.new_ideas for r in results] == [1, 0, 0, 0, 1, 1] and results[-1].accepted
    with_memory = ["<PAST_ATTEMPTS>" in r["messages"][1]["content"] for r in scripted.requests]
    assert with_memory == [False, True, False, False, False, True]
    assert [r["temperature"] for r in scripted.requests] == [0.0, 0.8, hot, hot, hot, 0.8]


@pytest.mark.slow
def test_udiff_proposal_applied_leniently(x, loss_fn, scripted):
    diff = "```diff\n--- a/stats.py\n+++ b/stats.py\n@@ ... @@\n     for x in xs:\n-        if x < best:\n" \
           "+        if x > best:\n             best = x\n```"
    result = step_once(x, loss_fn, scripted, diff, edit_format="udiff")
    assert result.accepted and x.value == FIXED_STATS
    assert result.diff.startswith("--- a/stats.py\n+++ b/stats.py\n@@ -5,")  # tgfix's own true diff


@pytest.mark.slow
def test_unappliable_udiff_falls_back_to_whole_file(x, loss_fn, scripted):
    bad_diff = "```diff\n@@ ... @@\n-    not in the file\n+    anything\n```"
    result = step_once(x, loss_fn, scripted, bad_diff, fenced(FIXED_STATS), edit_format="udiff")
    assert result.accepted and result.candidates[0].proposal.edit_format == "whole"
    assert "```python code block" in scripted.requests[-1]["messages"][1]["content"]


@pytest.mark.slow
def test_without_a_critique_the_step_reads_the_loss(x, loss_fn, scripted):
    scripted.append(fenced(FIXED_STATS))
    assert tg.TGD([x], model=tg.LLM("openai/scripted", cache=None)).step(loss_fn(x)).accepted
    system, prompt = (m["content"] for m in scripted.requests[0]["messages"])
    assert system == "You are an expert programmer who fixes bugs."  # the run's first step: the bare prompt
    assert "Tests passing: 2/4.\nFailing tests:\n- tests.test_stats.test_largest: " in prompt
    assert "test_largest_negative" not in prompt and "<FEEDBACK>" not in prompt
    assert "Lines most executed by failing tests" in prompt and "if x < best:" in prompt.split("suspiciousness")[1]


@pytest.mark.slow
def test_a_proposal_that_drops_a_defined_name_is_rejected_before_tests(x, loss_fn, scripted):
    without_mean = FIXED_STATS[FIXED_STATS.index("def largest"):]  # fixes the bug, loses untested code
    result = step_once(x, loss_fn, scripted, fenced(without_mean), second_opinion=None)
    assert not result.accepted and result.candidates[0].report is None
    assert result.reason == "removes mean: keep every name the file defines"
    assert x.memory[-1].outcome == result.reason and x.value == BUGGY_STATS


@pytest.mark.slow
def test_failures_cluster_by_the_line_they_point_at_and_critiques_are_numbered(tmp_path, scripted):
    (tmp_path / "two.py").write_text("def f():\n    return 1\n\n\ndef g():\n    return 1\n")
    (tmp_path / "test_two.py").write_text(
        "from two import f, g\n\ndef test_f(): assert f() == 2\ndef test_f_again(): assert f() == 2\n"
        "def test_g(): assert g() == 3\n")
    x = tg.Variable.from_file(tmp_path / "two.py", root=tmp_path)
    loss = tg.TestLoss(tests=tmp_path / "test_two.py")(x)
    clusters = failure_clusters(loss)
    assert [sorted(c.id.rsplit(".", 1)[1] for c in cluster) for cluster in clusters] == [
        ["test_f", "test_f_again"], ["test_g"]]
    scripted += ["f returns 1.", "g returns 1."]
    text = tg.backward(loss, tg.LLM("openai/scripted", cache=None))
    assert text == "Critique 1 of 2:\nf returns 1.\n\nCritique 2 of 2:\ng returns 1."


@pytest.mark.slow
def test_function_scoped_answer_is_spliced_and_leaves_every_other_line(x, loss_fn, scripted):
    fixed_largest = FIXED_STATS[FIXED_STATS.index("def largest"):]
    result = step_once(x, loss_fn, scripted, fenced(fixed_largest), edit_format="function")
    assert result.accepted and x.value == FIXED_STATS
    step_prompt = scripted.requests[-1]["messages"][1]["content"]
    assert "definitions of only these functions of `stats.py`: `largest` (lines 5-10)" in step_prompt


@pytest.mark.slow
def test_function_scoped_answer_that_does_not_fit_falls_back_to_the_whole_file(x, loss_fn, scripted):
    result = step_once(x, loss_fn, scripted, fenced("def unrelated():\n    pass\n"), fenced(FIXED_STATS),
                       edit_format="function")
    assert result.accepted and x.value == FIXED_STATS
    assert result.candidates[0].proposal.edit_format == "whole"


def test_memory_keeps_the_latest_attempts_each_cut_to_a_few_lines():
    from tgfix.memory import DIFF_LINES, Memory

    memory = Memory()
    for n in range(4):
        memory.record("\n".join(f"line {i}" for i in range(DIFF_LINES + 5)), f"outcome {n}", n == 3, keep=2)
    assert [a.outcome for a in memory] == ["outcome 2", "outcome 3"]
    assert memory[0].diff.count("\n") == DIFF_LINES - 1
    rendered = memory.render()
    assert "Attempt 1 (rejected: outcome 2)" in rendered and "Attempt 2 (accepted: outcome 3)" in rendered
    memory.record("ignored", "x", False, keep=0)
    assert len(memory) == 2


@pytest.mark.slow
@pytest.mark.parametrize("module, rejected", [("git", True), ("json", False)], ids=["third-party", "stdlib"])
def test_a_proposal_that_deletes_a_third_party_import_is_rejected_before_tests(project, scripted, module, rejected):
    (project / "stats.py").write_text(f"import {module}\n\n\n{BUGGY_STATS}")  # git: GitPython, which tgfix has
    x = tg.Variable.from_file(project / "stats.py")
    result = step_once(x, tg.TestLoss(tests=project / "tests"), scripted, fenced(FIXED_STATS), second_opinion=None)
    if rejected:
        assert not result.accepted and result.candidates[0].report is None
        assert result.reason == "removes the import of git: keep every import of a third-party module"
    else:
        assert result.accepted  # a standard module's import is the file's own business


PACKAGED_CALC = "def scale(v):\n    return v * 2\n\n\ndef offset(v):\n    return v - None\n"


@pytest.fixture
def packaged(tmp_path):
    """pkg/calc.py, and a helper of the tests with the same file name, tests/calc.py."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "calc.py").write_text(PACKAGED_CALC)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "calc.py").write_text("def twice(v):\n    return v * 2 + None\n")
    (tmp_path / "tests" / "test_calc.py").write_text(
        "from pkg.calc import scale\nfrom tests.calc import twice\n\n\ndef test_scale():\n    assert scale(twice(1)) == 4\n")
    return tg.Variable.from_file(tmp_path / "pkg" / "calc.py", root=tmp_path)


def step_prompt(x, loss, scripted, reply):
    scripted.append(reply)
    tg.TGD([x], model=tg.LLM("openai/scripted", cache=None), edit_format="function", second_opinion=None).step(loss)
    return scripted.requests[-1]["messages"][1]["content"]


def test_a_commands_python_traceback_points_the_edit_at_the_function(packaged, scripted):
    loss = tg.TestLoss(command="python -c 'from pkg.calc import offset; offset(1)'")(packaged)
    assert "in offset" in loss.report.failures[0].traceback  # File ".../pkg/calc.py", line 6, in offset
    prompt = step_prompt(packaged, loss, scripted, fenced("def offset(v):\n    return v - 1\n"))
    assert "definitions of only these functions of `pkg/calc.py`: `offset` (lines 5-6)" in prompt


@pytest.mark.slow
def test_a_file_of_the_same_name_elsewhere_in_the_traceback_is_not_the_variable(packaged, scripted):
    loss = tg.TestLoss(tests=packaged.root / "tests", localize=False)(packaged)
    assert "tests/calc.py:2: in twice" in loss.report.failures[0].traceback
    prompt = step_prompt(packaged, loss, scripted, fenced(PACKAGED_CALC.replace("v - None", "v - 1")))
    assert "the complete corrected `pkg/calc.py`" in prompt  # no definition of it is in the traceback


def test_critiques_and_edits_read_the_same_lines_of_a_traceback(packaged):
    frame = 'Traceback (most recent call last):\n  File "/dev/shm/tgfix-ab12/pkg/calc.py", line {}, in {}\n'
    failures = report(test_scale="failed", test_offset="failed", test_twice="failed").cases
    tracebacks = [frame.format(2, "scale"), "tests/test_calc.py:9: in test_offset\n" + frame.format(6, "offset"),
                  "tests/calc.py:2: in twice\n    return v * 2 + None\nE   TypeError"]
    cases = tuple(dataclasses.replace(case, message="TypeError: no", traceback=traceback)
                  for case, traceback in zip(failures, tracebacks))
    loss = tg.Loss(packaged, TestReport(cases), tg.TestLoss(tests=packaged.root / "tests"))
    assert [loss.lines_traced(case) for case in cases] == [[2], [6], []]
    assert [[case.id for case in cluster] for cluster in failure_clusters(loss)] == [
        ["test_scale"], ["test_offset"], ["test_twice"]]
@pytest.mark.slow
def test_a_steps_candidates_from_a_remote_model_take_one_round_trip(x, loss_fn):
    """The run's first step: the greedy answer and three samples, asked for at once."""
    round_trip = 1.5
    with FakeOpenAI([fenced(BUGGY_STATS)], delay=round_trip) as server:
        engine = tg.LLM("openai/x", api_base=server.base_url)
        engine([{"role": "user", "content": "hi"}])  # litellm's first request costs a second or two more
        optimizer, loss = tg.TGD([x], model=engine, candidates=4), loss_fn(x)
        started = time.monotonic()
        proposals = optimizer.propose(loss)
        took = time.monotonic() - started
    assert len(proposals) == 4 and server.most_in_flight == 4
    assert took < 2 * round_trip, f"4 candidates took {took:.1f} s: about {took / round_trip:.1f} round trips"
    assert sorted((r["temperature"], r["seed"]) for r in server.requests[1:]) == [(0.0, 0), (0.8, 1), (0.8, 2),
                                                                                  (0.8, 3)]
