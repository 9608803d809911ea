"""`tgfix polish`: speed-ups beyond the noise are kept and committed, anything else is rejected.

The slow file sleeps 0.3 s per call, so "faster" and "as fast" are never a matter of luck.
"""

import re

import git
import pytest

from conftest import FAST, SLOW, TOTAL_TESTS, cli, fenced, git_project
from tgfix import prompts

CRITIQUE = "The bottleneck is line 5 of total(): it sleeps 0.3 s on every call. Remove the sleep."


def polish(*args):
    return cli("polish", "total.py", "--repeat", "3", "--model", "openai/scripted", *args)


def commits(root) -> list[str]:
    return [c.message for c in git.Repo(root).iter_commits()]


@pytest.mark.slow
@pytest.mark.parametrize("bench", [[], ["--bench-cmd", "python bench.py"]], ids=["tests", "bench-cmd"])
def test_speedup_is_committed_with_timings(slow_project, scripted, bench):
    scripted += [CRITIQUE, fenced(FAST)]
    result = polish("--max-iters", "1", *bench)
    assert result.exit_code == 0, result.output
    assert (slow_project / "total.py").read_text() == FAST
    subject = commits(slow_project)[0].splitlines()[0]
    assert re.fullmatch(r"tgfix: speed up total\.py \(median \d\.\d\d s -> [\d.]+ m?s\)", subject), subject
    critic_prompt = scripted.requests[0]["messages"][1]["content"]
    assert "performance bottleneck" in critic_prompt and "<TIMING>" in critic_prompt
    assert "x faster" in result.output


@pytest.mark.slow
def test_faster_but_wrong_is_rejected(slow_project, scripted):
    scripted += [CRITIQUE, fenced(FAST.replace("sum(xs)", "sum(xs) + 1"))]
    result = polish("--max-iters", "1")
    assert result.exit_code == 3, result.output
    assert "rejected: breaks tests.test_total.test_total" in result.output
    assert (slow_project / "total.py").read_text() == SLOW
    assert len(commits(slow_project)) == 1


@pytest.mark.slow
def test_after_a_wrong_speedup_the_next_step_samples_and_reads_what_broke(slow_project, scripted):
    wrong = FAST.replace("sum(xs)", "sum(xs) + 1")
    scripted += [CRITIQUE, fenced(wrong), CRITIQUE, fenced(wrong), fenced(FAST)]
    result = polish("--max-iters", "2", "-vv")
    assert result.exit_code == 0, result.output
    assert (slow_project / "total.py").read_text() == FAST
    first, second, third = (r for r in scripted.requests if "<CONSTRAINTS>" in r["messages"][1]["content"])
    assert first["temperature"] == 0  # the run's first proposal: greedy
    assert second["temperature"] >= 0.8 and second["seed"] != third["seed"]  # then fresh samples
    memory = second["messages"][1]["content"]
    assert "breaks tests.test_total.test_total; tests.test_total.test_total: assert 7 == 6" in memory
    assert "tried before: breaks" in result.output  # the repeated idea was not retimed
    # no new idea: the same iteration asks again at once, without the memory, for another technique
    assert re.search(r"\[2\] total.py .* accepted", result.output) and "[3]" not in result.output
    third = third["messages"][1]["content"]
    assert "<PAST_ATTEMPTS>" not in third
    assert f"a different technique: {list(prompts.SPEED_APPROACHES)[0]}." in third


@pytest.mark.slow
def test_another_approach_is_one_the_file_does_not_use_yet_and_without_a_new_idea_polish_stops(tmp_path, monkeypatch, scripted):
    project = git_project(tmp_path, {"total.py": SLOW.replace("sum(xs)", "sum(set(xs) and xs)"),
                                     "tests/test_total.py": TOTAL_TESTS})
    monkeypatch.chdir(project)
    same = (project / "total.py").read_text()
    scripted += [CRITIQUE, fenced(same), fenced(same), fenced(same)]
    result = polish("--max-iters", "3")
    assert result.exit_code == 3, result.output
    assert "no speed-up beyond the noise and no new idea in 1 iteration (patience)" in result.output
    asked = [r["messages"][1]["content"] for r in scripted.requests if "<CONSTRAINTS>" in r["messages"][1]["content"]]
    assert len(asked) == 3  # the step, then APPROACH_RETRIES asks for another technique, without the critique
    assert CRITIQUE in asked[0] and not any(CRITIQUE in text for text in asked[1:])
    named = [re.search(r"a different technique: (.*?)\. If", text, re.S).group(1) for text in asked[1:]]
    assert named == ["sorting first, then one pass (two pointers)", "prefix sums or running totals, in one pass"]


@pytest.mark.slow
def test_of_two_speedups_the_fastest_is_kept(slow_project, scripted):
    faster = SLOW.replace("0.3", "0.1")
    scripted += [CRITIQUE, fenced(faster), fenced(FAST)]  # FAST: the fastest, and the larger change
    result = polish("--max-iters", "1", "--candidates", "2")
    assert result.exit_code == 0, result.output
    assert (slow_project / "total.py").read_text() == FAST


@pytest.mark.slow
def test_as_fast_is_within_the_noise(slow_project, scripted):
    scripted += [CRITIQUE, fenced(SLOW.replace("return sum(xs)", "return sum(x for x in xs)"))]
    result = polish("--max-iters", "1")
    assert result.exit_code == 3, result.output
    assert "not faster beyond the noise" in result.output
    assert (slow_project / "total.py").read_text() == SLOW


@pytest.mark.slow
def test_failing_tests_send_the_user_to_solve(slow_project, scripted):
    (slow_project / "total.py").write_text(FAST.replace("sum(xs)", "max(xs)"))
    git.Repo(slow_project).git.commit("-am", "broken")
    result = polish()
    assert result.exit_code == 7, result.output
    assert result.output.strip().splitlines() == [
        "tgfix: error: 1 of 1 tests fail (tests.test_total.test_total): "
        "polish needs passing tests, run `tgfix solve` first"]
    assert scripted.requests == []


NESTED = '''\
def count_pairs(nums, k):
    count = 0
    for i in range(len(nums)):
        for j in range(i + 1, len(nums)):
            if nums[i] + nums[j] == k:
                count += 1
    return count
'''


@pytest.mark.slow
@pytest.mark.parametrize("bench", [[], ["--bench-cmd", "python bench.py"]], ids=["tests", "bench-cmd"])
def test_the_critic_and_the_editor_read_where_the_time_goes(tmp_path, monkeypatch, scripted, bench):
    """A line profile of the timed run (the tests, or the bench command): the inner loop is named; and the
    function's time at three sizes of its input: it grows as n^2."""
    call = "count_pairs(list(range(1400)), 1399) == 700"
    root = git_project(tmp_path / "project", {
        "pairs.py": NESTED, "tests/test_pairs.py": f"from pairs import count_pairs\n\n\ndef test_pairs():\n    assert {call}\n",
        "bench.py": f"from pairs import count_pairs\n\nassert {call}\n"})
    monkeypatch.chdir(root)
    another = NESTED.replace("count += 1", "count += 2")  # a new program (wrong): no retry, no timing luck
    scripted += ["The nested loop of lines 3-4 is quadratic: count complements in a dict.", fenced(another)]
    result = cli("polish", "pairs.py", "--tests", "tests", "--repeat", "1", "--max-iters", "1", "--no-cache",
                 "--model", "openai/scripted", *bench)
    assert result.exit_code == 3, result.output
    critique, step = (request["messages"][1]["content"] for request in scripted.requests)
    for prompt in (critique, step):
        assert re.search(r"Where the time goes in pairs\.py .*\n  line 4 \(\d+%\): for j in range\(i \+ 1, len\(nums\)\):",
                         prompt), prompt
        assert re.search(r"How its time grows: count_pairs, .* \(input size: time\) 350: .*, 700: .*, 1400: .*\. "
                         r"Doubling the input multiplies its time by [\d.]+: quadratic", prompt), prompt
