"""The benchmark runner (bench/run.py) with scripted model replies on two small cases."""

import json
import re
import shutil
import tomllib
from types import SimpleNamespace

import litellm
import pytest

from bench import corpus, methods, run
from bench.methods import METHODS, Setup, Trace
from conftest import fenced
from tgfix import prompts, scope
from tgfix.llm import Usage
from tgfix.runner import TestReport

CHUNKED, LEAP = corpus.select(["02_chunked", "03_leap_year"])
HEADERS, = corpus.select(["65_headerregistry"])  # a 1,000+ line module
SETUP = Setup("openai/scripted", calls=2, gradient_model="openai/scripted-critic")


def spoiler(case: corpus.Case) -> str:
    return tomllib.loads((case.path / "case.toml").read_text())["note"]


def oracle(work, case, setup):
    shutil.copyfile(case.path / "fixed" / case.file, work / case.file)
    return Trace(Usage(), (), 0.0, "")


def rewrite_tests(work, case):
    for test in (work / case.tests).glob("test_*.py"):
        test.write_text("def test_nothing():\n    pass\n")


def cheat(work, case, setup):  # the tests pass in its own copy, the module is still buggy
    rewrite_tests(work, case)
    return Trace(Usage(), (), 0.0, "")


def oracle_that_cheats(work, case, setup):  # a right answer, but the tests were touched
    rewrite_tests(work, case)
    return oracle(work, case, setup)


@pytest.mark.slow
def test_judge_uses_pristine_tests_and_rejects_touched_tests(monkeypatch):
    for name, method in [("oracle", oracle), ("cheat", cheat), ("oracle-that-cheats", oracle_that_cheats)]:
        monkeypatch.setitem(METHODS, name, method)
    solved = run.run_one(CHUNKED, "oracle", SETUP)
    cheated = run.run_one(CHUNKED, "cheat", SETUP)
    both = run.run_one(CHUNKED, "oracle-that-cheats", SETUP)
    assert (solved["solved"], solved["passed"], solved["total"], solved["tampered"]) == (True, 5, 5, False)
    assert (cheated["solved"], cheated["passed"], cheated["total"], cheated["tampered"]) == (False, 2, 5, True)
    assert (both["solved"], both["passed"], both["tampered"]) == (False, 5, True)


@pytest.mark.slow
@pytest.mark.parametrize("method", list(METHODS))
def test_call_budget_is_enforced(method, scripted, tmp_path):
    scripted += ["The code is wrong somewhere, but I cannot say where."] * 20  # never a usable change
    trace = METHODS[method](corpus.prepare(CHUNKED, tmp_path / "work"), CHUNKED, SETUP)
    budget = 1 if method == "single-shot" else SETUP.calls
    assert trace.usage.calls == len(scripted.requests) == budget
    shown = "".join(m["content"] for request in scripted.requests for m in request["messages"])
    assert spoiler(CHUNKED) not in shown


@pytest.mark.slow
def test_resume_skips_done_rows(tmp_path, scripted):
    done = row("single-shot", False, 1, 3.0, case=CHUNKED.name, model="openai/scripted", budget=2,
               max_tokens=Setup.max_tokens, seconds_budget=run.DEFAULT_SECONDS)
    (tmp_path / "results.jsonl").write_text(json.dumps(done) + "\n")
    scripted.append(fenced(LEAP.fixed))
    args = ["--model", "openai/scripted", "--cases", "02_chunked,03_*", "--calls", "2", "--out", str(tmp_path)]
    assert run.main([*args, "--methods", "single-shot"]) == 0
    assert len(scripted.requests) == 1
    first, second = run.read_rows(tmp_path / "results.jsonl")
    assert first == done
    assert (second["case"], second["solved"], second["calls"], second["curve"]) == (LEAP.name, True, 1, [0, 1])
    assert second["verdicts"] == ["tests 1/1"]
    assert re.fullmatch(r"[0-9a-f]{10}(\+dirty)?", second["revision"])  # which tgfix made the row
    summary = (tmp_path / "summary.md").read_text()
    assert "| single-shot | 1/2 | 1/6 |" in summary and f"| {LEAP.name} | solved (" in summary
    for picture in ("solved_vs_calls.png", "solved_vs_seconds.png", "loss_curves.png"):
        assert (tmp_path / picture).stat().st_size


def test_summary_only_runs_nothing_and_compares_the_cases_every_method_finished(tmp_path, scripted):
    common = dict(model="openai/scripted", budget=2, max_tokens=Setup.max_tokens, seconds_budget=run.DEFAULT_SECONDS)
    rows = [row("single-shot", False, 1, 3.0, case=CHUNKED.name, **common),
            row("tgfix", True, 2, 9.0, case=CHUNKED.name, **common),
            row("single-shot", True, 1, 2.0, case=LEAP.name, **common)]  # tgfix has not run 03 yet
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    args = ["--model", "openai/scripted", "--cases", "02_chunked,03_*", "--calls", "2", "--out", str(tmp_path)]
    assert run.main([*args, "--methods", "single-shot,tgfix", "--summary-only"]) == 0
    assert scripted.requests == []
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("Cases every method finished: 1 of 2 selected.")
    assert "| single-shot | 0/1 |" in summary and "| tgfix | 1/1 |" in summary and LEAP.name not in summary


def row(method, solved, calls, seconds, **more):
    return {"method": method, "solved": solved, "calls": calls, "prompt_tokens": 100 * calls,
            "completion_tokens": 10 * calls, "seconds": seconds, "model_seconds": seconds / 2,
            "test_seconds": seconds / 4, "overhead_seconds": seconds / 4, "passed": 0, "total": 5,
            "curve": [0], **more}


def test_summary_table_sums():
    rows = [row("tgfix", True, 3, 8.0), row("tgfix", False, 4, 4.0), row("naive-retry", True, 1, 2.0)]
    tgfix, naive = run.summarize(rows, ["tgfix", "naive-retry"])
    assert tgfix == run.Summary("tgfix", solved=1, cases=2, passed=0, total=10, calls=7, median_seconds_to_solve=8.0,
                                prompt_tokens=700, completion_tokens=70, seconds=12.0, model_seconds=6.0,
                                test_seconds=3.0, overhead_seconds=3.0)
    assert (naive.solved, naive.cases, naive.calls) == (1, 1, 1)
    table = run.format_table([tgfix, naive]).splitlines()
    assert table[2] == "| tgfix | 1/2 | 0/10 | 8 | 7 | 700 | 70 | 12.0 | 6.0 | 3.0 | 3.0 |"


def test_unchanged_answers_are_counted_from_the_rows_that_record_them():
    rows = [row("tgfix", False, 3, 1.0, verdicts=["no change", "no change", "tests 2/5"]),
            row("best-of-n", True, 1, 1.0, verdicts=["tests 5/5"]), row("tgfix", True, 1, 1.0)]
    assert run.unchanged_answers(rows, ["tgfix", "best-of-n", "naive-retry"]) == \
        "Answers returned unchanged: tgfix 2/3, best-of-n 0/1."


def test_per_case_table_and_revisions():
    rows = [row("tgfix", True, 3, 8.0, case="b", revision="abc"), row("tgfix", False, 4, 4.2, case="a"),
            row("naive-retry", True, 1, 2.0, case="a", revision="abc")]
    assert run.format_cases(rows, ["naive-retry", "tgfix"]).splitlines()[2:] == [
        "| a | solved (2) | 0/5 (4) |", "| b |  | solved (8) |"]
    assert run.made_with(rows) == "Rows by tgfix revision: abc (2), unrecorded (1)."


@pytest.mark.slow
def test_best_of_n_tries_greedy_then_fresh_samples_and_stops_when_solved(scripted, tmp_path):
    scripted += ["no code", fenced(CHUNKED.fixed)]
    trace = METHODS["best-of-n"](corpus.prepare(CHUNKED, tmp_path / "work"), CHUNKED, SETUP)
    assert [(r["temperature"], r["seed"]) for r in scripted.requests] == [(0.0, 0), (0.8, 1)]
    assert trace.stop_reason == "all tests pass" and trace.curve[-1] == 5
    assert scripted.requests[0]["messages"] == scripted.requests[1]["messages"]  # no feedback at all
    assert trace.verdicts == ("unusable reply", "tests 5/5")


@pytest.mark.slow
def test_best_of_n_on_a_large_file_asks_for_the_targets_and_splices_the_answer(scripted, tmp_path):
    addr_spec = scope.targets(HEADERS.fixed, [HEADERS.fixed.splitlines().index("            return '<>'") + 1])[0]
    scripted += [fenced("class Address:\n" + addr_spec.text)]
    trace = METHODS["best-of-n"](corpus.prepare(HEADERS, tmp_path / "work"), HEADERS, SETUP)
    assert trace.stop_reason == "all tests pass" and len(scripted.requests) == 1
    prompt = scripted.requests[0]["messages"][1]["content"]
    assert prompts.SHOWN_WITH_TARGETS in prompt and len(prompt) < len(HEADERS.fixed) / 2


def test_a_model_error_ends_a_baseline_unsolved_not_the_benchmark(scripted, tmp_path):
    def refused(request):
        raise litellm.AuthenticationError(message="bad key", llm_provider="openai", model="scripted")

    scripted += [refused]
    trace = METHODS["best-of-n"](corpus.prepare(CHUNKED, tmp_path / "work"), CHUNKED, SETUP)
    assert trace.stop_reason.startswith("model openai/scripted unavailable") and len(trace.curve) == 1


@pytest.mark.slow
def test_naive_retry_says_what_became_of_each_answer(scripted, tmp_path):
    work = corpus.prepare(CHUNKED, tmp_path / "work")
    scripted += [fenced((work / CHUNKED.file).read_text()), fenced(CHUNKED.fixed)]
    trace = METHODS["naive-retry"](work, CHUNKED, SETUP)
    assert trace.verdicts == ("no change", "tests 5/5")


def test_test_seconds_count_a_candidate_tried_before_once():
    start, tried, after = (TestReport((), seconds=s) for s in (1.0, 2.0, 4.0))

    def iteration(*candidates):
        return SimpleNamespace(loss=SimpleNamespace(report=start),
                               step=SimpleNamespace(candidates=[SimpleNamespace(report=r) for r in candidates]))

    solved = SimpleNamespace(initial=(SimpleNamespace(report=start),), final=(SimpleNamespace(report=after),),
                             iterations=[iteration(tried, None), iteration(tried, after)])  # `tried` proposed again
    assert methods._test_seconds(solved) == 7.0
