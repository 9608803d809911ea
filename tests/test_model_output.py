"""Bad model output is rejected into the variable's memory with a reason, and the run goes on; never a crash."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BUGGY_STATS, FIXED_STATS, STATS_TESTS, cli, fenced
from tgfix import llm, optimizer, patch
from tgfix.llm import LLM, Reply
from tgfix.loss import TestLoss
from tgfix.optimizer import TGD
from tgfix.source import with_lost_indentation_restored
from tgfix.variable import Variable

CRITIQUE = "largest() keeps the smaller value on line 8; it must keep the larger one."


@pytest.fixture(scope="module")
def loss(tmp_path_factory):
    """The loss of the buggy stats.py, from one real test run shared by the whole module."""
    root = tmp_path_factory.mktemp("project")
    (root / "tests").mkdir()
    (root / "stats.py").write_text(BUGGY_STATS)
    (root / "tests" / "test_stats.py").write_text(STATS_TESTS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        return TestLoss(tests=root / "tests", localize=False)(Variable.from_file(root / "stats.py", root=root))


def loss_with_gradient(loss, fn=None):
    """A fresh variable of the buggy file, its critique written, and its loss."""
    x = Variable.from_file(loss.variable.path, root=loss.variable.root)
    x.grad = CRITIQUE
    return dataclasses.replace(loss, variable=x, fn=fn or loss.fn)


BAD_REPLIES = {
    "empty": ("", "no ```python code block"),
    "no-code-block": ("Change line 8 so it keeps the larger value.", "no ```python code block"),
    "other-language": ("```javascript\nfunction largest(xs) { return Math.max(...xs); }\n```\n",
                       "no ```python code block"),
    "empties-the-file": ("```python\n```\n", "code block is empty"),
    "blank-file": ("```python\n\n   \n```\n", "code block is empty"),
    "unclosed-fence": ("```python\ndef largest(xs):\n    return max(xs)\n", "never closed"),
    "invalid-syntax": ("```python\ndef largest(xs:\n    return max(xs)\n```\n", "syntax error line 1"),
    "return-outside-function": ("```python\nreturn max(xs)\n```\n", "syntax error line 1: 'return' outside function"),
    "unencodable": ("```python\nx = '\ud800'\n```\n", "invalid source"),
    "unchanged": (fenced(BUGGY_STATS), "no change"),
    "echoed-prompt": (None, "no change"),  # None: the step prompt itself, the file between its tags
}


LOST_INDENTATION = """\
def largest(xs):
    best = xs[0]

for x in xs:
        if x > best:
            best = x

found = best
    return found


def mean(xs):
    return sum(xs) / len(xs)
"""


def test_a_line_that_lost_its_indentation_after_a_blank_line_gets_it_back():
    restored = with_lost_indentation_restored(LOST_INDENTATION)
    assert restored == LOST_INDENTATION.replace("\nfor x", "\n    for x").replace("\nfound", "\n    found")


def test_a_last_return_that_lost_its_indentation_gets_the_functions_depth():
    lost = "def lis_length(nums):\n    best = [1] * len(nums)\n    for i in range(len(nums)):\n        pass\n\nreturn max(best)\n"
    assert with_lost_indentation_restored(lost) == lost.replace("\nreturn", "\n    return")


@pytest.mark.parametrize("code", [FIXED_STATS, "def f(xs:\n    return xs\n", "def f():\n    x = (\n\ny = 1\n    )\n"],
                         ids=["parses", "other-syntax-error", "still-wrong"])
def test_code_that_parses_or_that_no_indentation_fixes_stays_as_it_is(code):
    assert with_lost_indentation_restored(code) == code


@pytest.mark.slow
def test_a_whole_file_answer_that_lost_indentation_is_tested_as_restored(loss, scripted):
    scripted.append(fenced(LOST_INDENTATION))
    loss = loss_with_gradient(loss)
    step = TGD([loss.variable], "openai/scripted", edit_format="whole", second_opinion=None).step(loss)
    assert step.accepted and "\n    for x in xs:\n" in loss.variable.value


def echo_the_prompt(request) -> str:
    return request["messages"][1]["content"]


@pytest.mark.parametrize("reply, reason", BAD_REPLIES.values(), ids=BAD_REPLIES.keys())
def test_bad_reply_is_rejected_into_memory(loss, scripted, reply, reason):
    loss = loss_with_gradient(loss)
    x = loss.variable
    optimizer = TGD([x], "openai/scripted", edit_format="whole", second_opinion=None)
    scripted.append(echo_the_prompt if reply is None else reply)
    step = optimizer.step(loss)
    assert not step.accepted
    assert x.value == BUGGY_STATS
    assert reason in x.memory[-1].outcome and not x.memory[-1].accepted


def cut_off_replies(monkeypatch):
    """Every scripted reply comes back as if it hit max_tokens."""
    scripted_completion = llm.litellm.completion

    def cut_off(**request):
        response = scripted_completion(**request)
        response.choices[0].finish_reason = "length"
        return response

    monkeypatch.setattr(llm.litellm, "completion", cut_off)


def test_reply_cut_off_inside_its_code_block_is_rejected_into_memory(loss, scripted, monkeypatch):
    cut_off_replies(monkeypatch)
    scripted.append("```python\n" + FIXED_STATS)
    loss = loss_with_gradient(loss)
    x = loss.variable
    step = TGD([x], "openai/scripted", edit_format="whole", second_opinion=None).step(loss)
    assert not step.accepted and x.value == BUGGY_STATS
    assert "never closed" in x.memory[-1].outcome


@pytest.mark.slow
def test_reply_cut_off_after_its_code_block_is_used(loss, scripted, monkeypatch):
    cut_off_replies(monkeypatch)
    scripted.append(fenced(FIXED_STATS) + "\nThe bug was that largest kept the smaller value, so")
    loss = loss_with_gradient(loss)
    step = TGD([loss.variable], "openai/scripted", edit_format="whole", second_opinion=None).step(loss)
    assert step.accepted and loss.variable.value == FIXED_STATS


@pytest.mark.slow
def test_cut_off_diff_is_not_applied(loss, scripted, monkeypatch):
    """A diff cut off at max_tokens may lack hunks and still apply: the whole-file fallback is asked for."""
    cut_off_replies(monkeypatch)
    scripted.extend(["```diff\n--- a/stats.py\n+++ b/stats.py\n@@ @@\n-        if x < best:\n"
                     "+        if x > best:\n```\n", fenced(FIXED_STATS)])
    loss = loss_with_gradient(loss)
    step = TGD([loss.variable], "openai/scripted", edit_format="udiff", second_opinion=None).step(loss)
    assert len(scripted.requests) == 2 and "complete corrected" in scripted.requests[1]["messages"][1]["content"]
    assert step.accepted and step.candidates[0].proposal.edit_format == "whole"


@pytest.mark.slow
def test_reply_length_is_bounded_by_the_file(loss, scripted):
    scripted.append(fenced(FIXED_STATS))
    loss = loss_with_gradient(loss)
    TGD([loss.variable], LLM("openai/scripted", max_tokens=100_000), second_opinion=None).step(loss)
    assert scripted.requests[-1]["max_tokens"] == optimizer.REPLY_MIN_TOKENS  # a small file


@pytest.mark.slow
def test_reply_length_grows_with_the_file(loss, scripted):
    scripted.append(fenced(FIXED_STATS))
    loss = loss_with_gradient(loss)
    loss.variable.value += "# padding\n" * 1000
    TGD([loss.variable], LLM("openai/scripted", max_tokens=100_000), second_opinion=None).step(loss)
    assert optimizer.REPLY_MIN_TOKENS < scripted.requests[-1]["max_tokens"] < 100_000


OTHER_FILE_DIFF = """```diff
--- a/tests/test_stats.py
+++ b/tests/test_stats.py
@@ @@
 def test_largest():
-    assert largest([3, 9, 4]) == 9
+    assert largest([3, 9, 4]) == 3
```
"""


@pytest.mark.slow
def test_diff_for_another_file_is_refused_and_the_whole_file_fallback_still_runs(loss, scripted):
    loss = loss_with_gradient(loss)
    x = loss.variable
    optimizer = TGD([x], "openai/scripted", edit_format="udiff")
    with pytest.raises(patch.PatchError, match="^diff edits tests/test_stats.py, only stats.py may change$"):
        patch.apply_diff(x.value, patch.extract_diff(OTHER_FILE_DIFF), x.name)
    scripted += [OTHER_FILE_DIFF, fenced(FIXED_STATS)]
    step = optimizer.step(loss)
    assert step.accepted and x.value == FIXED_STATS
    assert (x.root / "tests" / "test_stats.py").read_text() == STATS_TESTS


@pytest.mark.slow
def test_the_run_goes_on_after_bad_replies(project, scripted, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.chdir(project)
    scripted += ["", "```python\ndef largest(xs:\n```\n", fenced(FIXED_STATS)]
    result = cli("solve", "stats.py", "--model", "openai/scripted", "--gradient", "never",
                                       "--no-localize", "--max-iters", "3", "--patience", "3")
    assert result.exit_code == 0, result.output
    assert (project / "stats.py").read_text() == FIXED_STATS


# -----------------------------------------------------------------------------
# fuzzing: any reply at all becomes a proposal or a one-line reason


class Canned(LLM):
    """A model that answers with the given texts in turn (the last one repeats), without litellm."""

    def __init__(self, texts: list[str], truncated: bool):
        super().__init__("openai/canned")
        self.texts, self.truncated = list(texts), truncated

    def __call__(self, messages, **sampling) -> Reply:
        text = self.texts.pop(0) if len(self.texts) > 1 else self.texts[0]
        return Reply(text, self.model, 0, 0, 0.0, 0.0, False, self.truncated)

    def sample(self, messages, n, **sampling) -> list[Reply]:
        return [self(messages) for _ in range(n)]


@dataclasses.dataclass
class Unchanged:
    """A loss function whose every candidate scores like the original: validation without running tests."""

    report: object
    problem: str = ""

    def evaluate(self, x, source, before=None):
        return self.report

    def describe(self, loss, failures=None):
        return "Tests passing: 2/4."


LINES = st.sampled_from([
    *BUGGY_STATS.splitlines(keepends=True), "        if x > best:\n", "--- a/stats.py\n", "+++ b/stats.py\n",
    "--- a/tests/test_stats.py\n", "+++ /etc/passwd\n", "--- /dev/null\n", "@@ -1,3 +1,3 @@\n", "@@ @@\n",
    "-        if x < best:\n", "+        if x > best:\n", "```\n", "```python\n", "````\n",
    "\\ No newline at end of file\n", "\n", "\x00\n", "x = '\ud800'\n"])
FENCED = st.builds(lambda lang, body: f"```{lang}\n{''.join(body)}```\n",
                   st.sampled_from(["python", "py", "diff", "patch", "", "javascript"]), st.lists(LINES, max_size=12))
REPLIES = st.lists(st.one_of(LINES, FENCED, st.text(max_size=30)), max_size=10).map("".join)


@settings(max_examples=150, deadline=None)
@given(replies=st.lists(REPLIES, min_size=2, max_size=2), edit_format=st.sampled_from(["whole", "udiff"]),
       truncated=st.booleans())
def test_any_reply_becomes_a_proposal_or_a_reason(loss, replies, edit_format, truncated):
    loss = loss_with_gradient(loss, fn=Unchanged(loss.report))
    x = loss.variable
    step = TGD([x], Canned(replies, truncated), edit_format=edit_format, second_opinion=None).step(loss)
    [candidate] = step.candidates
    proposal = candidate.proposal
    assert (proposal.source is None) == bool(proposal.error)
    assert not step.accepted and x.value == BUGGY_STATS
    assert candidate.verdict and x.memory[-1].outcome == candidate.verdict
