"""Large files: the model reads the definitions the failures touch, in a context every call starts with."""

import os
import subprocess
import sys

import git
import pytest

import tgfix as tg
from conftest import cli, fenced, git_project
from tgfix import excerpt, optimizer, prompts, scope

HEAD = '''\
"""Shipping costs."""
import math

RATES = {"eu": 3, "us": 5}


def rounded_weight(weight):
    """Round a weight up to whole kilograms.

    Half a kilogram costs a whole one.
    """
    return math.ceil(weight)


class Parcel:
    """A parcel to ship."""

    unit = "kg"

    def __init__(self, weight, zone="EU"):
        self.weight = weight
        self.zone = zone

    def cost(self):
        rate = RATES[self.zone]
        return rounded_weight(self.weight) * rate

    def label(self):
        return f"{self.weight} {self.unit} to {self.zone}"
'''
FILLER_COUNT = 140
FILLERS = "".join(f'''

def filler_{n}(a, b):
    """Filler number {n}."""
    total = a + {n}
    for step in range(b):
        total += step * {n}
        if total > 1000:
            total -= {n}
    return total
''' for n in range(FILLER_COUNT))
BUGGY = HEAD + FILLERS
FIXED = BUGGY.replace("RATES[self.zone]", "RATES[self.zone.lower()]")
FIXED_COST = '''\
```python
class Parcel:
    def cost(self):
        rate = RATES[self.zone.lower()]
        return rounded_weight(self.weight) * rate
```'''
TESTS = '''\
from shipping import Parcel, rounded_weight


def test_cost_in_europe():
    parcel = Parcel(2.5)
    assert parcel.cost() == 9


def test_label():
    assert Parcel(2).label() == "2 kg to EU"


def test_rounded_weight():
    assert rounded_weight(2.1) == 3
'''
CRITIQUE = "The code fails test_cost_in_europe because cost looks the zone up in capitals."


@pytest.fixture
def shipping(tmp_path):
    """A git project with a 1,100+ line shipping.py (one of three tests fails) and its tests."""
    return git_project(tmp_path / "shipping", {"shipping.py": BUGGY, "tests/test_shipping.py": TESTS})


def first_loss(root):
    x = tg.Variable.from_file(root / "shipping.py", root=root)
    return x, tg.TestLoss(tests=root / "tests")(x)


def test_the_module_is_large_and_over_the_embedded_context():
    assert BUGGY.count("\n") > 1000 and excerpt.is_large(BUGGY)
    assert len(BUGGY) // 3 > 8192  # the embedded model's context: the whole file cannot be read


@pytest.mark.slow
def test_a_large_file_is_read_as_its_target_imports_signatures_and_failing_test(shipping, scripted):
    x, loss = first_loss(shipping)
    scripted.append(FIXED_COST)
    step = tg.TGD([x], model=tg.LLM("openai/scripted", cache=None)).step(loss)
    assert step.accepted and x.value == FIXED
    system, prompt = (m["content"] for m in scripted.requests[0]["messages"])
    assert system == prompts.SCOPED_SYSTEM
    assert "    def cost(self):\n        rate = RATES[self.zone]\n" in prompt  # the target, in full
    assert "import math" in prompt and 'RATES = {"eu": 3, "us": 5}' in prompt  # imports, the constant it reads
    assert 'class Parcel:\n    """A parcel to ship."""\n    unit = "kg"' in prompt  # its class, attributes
    assert "self.zone = zone" in prompt  # __init__, where the instance attributes are set
    # what the target calls: signature and first docstring line, not the body
    assert 'def rounded_weight(weight):\n    """Round a weight up to whole kilograms."""\n    ...' in prompt
    assert "math.ceil" not in prompt and "Half a kilogram" not in prompt
    # the failing test's source, read from the test file
    assert "# tests/test_shipping.py\ndef test_cost_in_europe():\n    parcel = Parcel(2.5)" in prompt
    # the rest: nothing
    assert "def label(self)" not in prompt and "to {self.zone}" not in prompt
    assert "filler_7" not in prompt and "total -= 7" not in prompt
    assert "`Parcel.cost` (lines" in prompt  # the reply: the target definitions, spliced as before
    assert len(system + prompt) * 5 < len(BUGGY)


@pytest.mark.slow
def test_a_file_larger_than_the_context_is_repaired_when_its_targets_fit(shipping, scripted, monkeypatch):
    """The embedded model continues an answer begun with the target's signature; an outline line it echoes
    after the target (where generation stops: scope.ANSWER_STOPS) changes nothing."""
    monkeypatch.chdir(shipping)
    monkeypatch.setattr(optimizer, "CLOZE_ASKS", 0)  # the whole target at once from the first step
    scripted.append("        rate = RATES[self.zone.lower()]\n        return rounded_weight(self.weight) * rate\n\n"
                    "    def label(self): ...\n")
    result = cli("solve", "shipping.py", "--model", "local/qwen2.5-coder-1.5b")
    assert result.exit_code == 0, result.output
    assert (shipping / "shipping.py").read_text() == FIXED
    assert git.Repo(shipping).head.commit.message.startswith("tgfix:")
    request = scripted.requests[0]
    assert request["max_tokens"] < 4096 - 1000  # the reply is bounded by the targets, not the file
    assert request["messages"][-1] == {"role": "assistant", "content": "```python\nclass Parcel:\n    def cost(self):\n"}
    assert request["stop"] == list(scope.ANSWER_STOPS)


@pytest.mark.slow
def test_the_second_opinion_on_a_large_file_is_begun_with_the_target_too(shipping, scripted, monkeypatch):
    monkeypatch.setattr(optimizer, "CLOZE_ASKS", 0)
    x, loss = first_loss(shipping)
    scripted += ["        return 0\n", "        rate = RATES[self.zone.lower()]\n"
                 "        return rounded_weight(self.weight) * rate\n"]
    step = tg.TGD([x], model=tg.LLM("local/qwen2.5-coder-1.5b", cache=None)).step(loss)
    assert step.accepted and x.value == FIXED
    first, second = scripted.requests
    assert first["messages"][-1] == second["messages"][-1] == {
        "role": "assistant", "content": "```python\nclass Parcel:\n    def cost(self):\n"}
    assert second["stop"] == list(scope.ANSWER_STOPS)


@pytest.mark.slow
def test_on_a_file_of_100_lines_read_whole_both_greedy_answers_write_only_the_target(tmp_path, scripted):
    """Shown the whole file, the embedded model asked for a method writes its whole class, unless the answer
    is begun with the method (bench/README.md, "Files of 100-233 lines")."""
    source = (HEAD + FILLERS[:FILLERS.index("def filler_12(")]).rstrip("\n") + "\n"
    assert source.count("\n") >= optimizer.FUNCTION_MIN_LINES and not excerpt.is_large(source)
    project = git_project(tmp_path / "shipping", {"shipping.py": source, "tests/test_shipping.py": TESTS})
    x, loss = first_loss(project)
    scripted += ["        return 0\n", "        rate = RATES[self.zone.lower()]\n"
                 "        return rounded_weight(self.weight) * rate\n"]
    step = tg.TGD([x], model=tg.LLM("local/qwen2.5-coder-1.5b", cache=None)).step(loss)
    assert step.accepted and x.value == source.replace("RATES[self.zone]", "RATES[self.zone.lower()]")
    first, second = scripted.requests
    assert first["messages"][-1] == second["messages"][-1] == {
        "role": "assistant", "content": "```python\nclass Parcel:\n    def cost(self):\n"}
    assert "def filler_11(a, b):" in first["messages"][1]["content"]  # the file, read whole
    assert "def filler_11(a, b):" in second["messages"][1]["content"]
    assert "`Parcel.cost` (lines 24-26)" in second["messages"][1]["content"]  # the plain request, for the target
    assert first["max_tokens"] == second["max_tokens"] == optimizer.REPLY_MIN_TOKENS  # not the file's 2,000


def test_the_embedded_model_first_writes_each_line_the_failures_point_at_again_without_seeing_it(
        shipping, scripted, monkeypatch):
    """A cloze: the target without the line, the answer begun with the target up to it and the line's first
    word (begun at the bare indentation, a small model writes the next line). The line as it was is no change."""
    monkeypatch.setattr(optimizer, "CLOZE_ANSWERS", 1)
    x, loss = first_loss(shipping)
    scripted += [" = RATES[self.zone]", " = RATES[self.zone.lower()]  # zones are lower case"]
    first = tg.TGD([x], model=tg.LLM("local/qwen2.5-coder-1.5b", cache=None)).step(loss)
    assert not first.accepted and first.reason == "no change"
    second = tg.TGD([x], model=tg.LLM("local/qwen2.5-coder-1.5b", cache=None)).step(loss)
    assert second.accepted and x.value == FIXED.replace("lower()]\n", "lower()]  # zones are lower case\n")
    request = scripted.requests[0]
    prompt = request["messages"][1]["content"]
    assert "RATES[self.zone]" not in prompt  # neither in the target nor in the traceback
    assert f"    def cost(self):\n        {prompts.CLOZE_MARK}\n        return rounded_weight" in prompt
    # the context: every definition by its signature, the target's too, and what the target reads
    assert "    def cost(self):\n        ...\n" in prompt and 'RATES = {"eu": 3, "us": 5}' in prompt
    assert request["messages"][-1] == {"role": "assistant", "content": "```python\nclass Parcel:\n"
                                                                       "    def cost(self):\n        rate"}
    assert request["stop"] == ["\n"] and request["max_tokens"] == optimizer.CLOZE_TOKENS


def test_a_line_that_compares_is_asked_again_begun_up_to_its_last_comparison(shipping, scripted, monkeypatch):
    """Begun at its first word the answer keeps the wrong comparison; begun up to it, it writes another."""
    monkeypatch.setattr(optimizer, "CLOZE_ANSWERS", 1)
    fixed = FIXED.replace("[self.zone.lower()]\n", "[self.zone.lower()] if self.weight > 0 else 0\n")
    (shipping / "shipping.py").write_text(fixed.replace("self.weight > 0", "self.weight < 0"))
    x, loss = first_loss(shipping)
    scripted += [" = RATES[self.zone.lower()] if self.weight < 0 else 0", " > 0 else 0"]
    tgd = tg.TGD([x], model=tg.LLM("local/qwen2.5-coder-1.5b", cache=None))
    assert not tgd.step(loss).accepted
    assert tgd.step(loss).accepted and x.value == fixed
    first, second = (request["messages"][-1]["content"] for request in scripted.requests)
    assert first.endswith("    def cost(self):\n        rate")
    assert second.endswith("    def cost(self):\n        rate = RATES[self.zone.lower()] if self.weight")


def test_a_line_is_asked_again_up_to_its_last_comparison_and_a_loop_is_no_comparison():
    assert optimizer._beginnings("    if 0 <= i < len(name) - 1:\n") == ("    if", "    if 0 <= i")
    assert optimizer._beginnings("    if a not in b:\n") == ("    if", "    if a")
    assert optimizer._beginnings("    x = [a for a in b if a is c]\n") == ("    x", "    x = [a for a in b if a")
    assert optimizer._beginnings("    for x in y:\n") == ("    for",)
    assert optimizer._beginnings("        in names):\n") == ("        in",)  # a statement's last line


def test_a_cloze_shows_its_target_with_the_docstring_by_its_first_line(shipping, scripted, monkeypatch):
    """The target is read twice (without the line, and the answer begun up to it): its docstring once."""
    monkeypatch.setattr(optimizer, "CLOZE_ANSWERS", 1)
    documented = '    def cost(self):\n        """The price.\n\n        By weight and zone.\n        """\n'
    (shipping / "shipping.py").write_text(BUGGY.replace("    def cost(self):\n", documented))
    x, loss = first_loss(shipping)
    scripted += [" = RATES[self.zone.lower()]"]
    assert tg.TGD([x], model=tg.LLM("local/qwen2.5-coder-1.5b", cache=None)).step(loss).accepted
    assert x.value == FIXED.replace("    def cost(self):\n", documented)
    request = scripted.requests[0]
    assert "By weight and zone" not in request["messages"][1]["content"]
    assert f'    def cost(self):\n        """The price."""\n        {prompts.CLOZE_MARK}\n' in request["messages"][1]["content"]
    assert request["messages"][-1]["content"] == \
        '```python\nclass Parcel:\n    def cost(self):\n        """The price."""\n        rate'


def test_a_whole_statement_written_for_the_first_line_of_a_longer_one_replaces_all_of_it(
        shipping, scripted, monkeypatch):
    """Left in place, the statement's second line would dangle after it (a syntax error)."""
    monkeypatch.setattr(optimizer, "CLOZE_ANSWERS", 1)
    (shipping / "shipping.py").write_text(BUGGY.replace("RATES[self.zone]\n", "RATES[\n            self.zone]\n"))
    x, loss = first_loss(shipping)
    scripted += [" = RATES[self.zone.lower()]"]
    assert tg.TGD([x], model=tg.LLM("local/qwen2.5-coder-1.5b", cache=None)).step(loss).accepted
    assert x.value == FIXED


def test_an_answer_cut_inside_an_echoed_definition_keeps_the_complete_ones_before_it():
    start = "```python\nclass Parcel:\n    def cost(self):\n"
    body = "        return 1\n"
    assert scope.answer_text(start, body + "\n    @property\n    def label(self)") == start + body + "```\n"
    assert scope.answer_text(start, body + "```\nSome words.") == start + body + "```\n"


def test_a_one_line_definition_begins_no_answer():
    assert scope.answer_start(scope.Target("f", 1, 1, "def f(x): return x\n")) == ""


def test_a_large_file_whose_largest_definition_does_not_fit_is_refused(shipping, scripted, monkeypatch):
    body = "".join(f"    total += {n}  # a very long function\n" for n in range(1200))
    (shipping / "shipping.py").write_text(BUGGY + f"\n\ndef huge():\n    total = 0\n{body}    return total\n")
    git.Repo(shipping).git.commit("-am", "huge")
    monkeypatch.chdir(shipping)
    result = cli("solve", "shipping.py", "--model", "local/qwen2.5-coder-1.5b")
    assert result.exit_code == 2
    assert "shipping.py is too large for local/qwen2.5-coder-1.5b: its largest definition is about" in result.output
    assert scripted.requests == []


@pytest.mark.slow
def test_every_call_of_a_run_starts_with_the_same_context_and_the_changes_come_last(shipping, scripted):
    """Critic, step, second opinion, critic, sampled step: the prompt cache can keep all of the context."""
    x, loss = first_loss(shipping)
    unfixed = FIXED_COST.replace("self.zone.lower()", "self.zone.upper()")
    scripted += [CRITIQUE, unfixed, unfixed.replace("upper", "strip"), CRITIQUE, unfixed.replace("upper", "title")]
    engine = tg.LLM("openai/scripted", cache=None)
    optimizer = tg.TGD([x], model=engine)
    for _ in range(2):
        loss = tg.TestLoss(tests=shipping / "tests")(x)
        tg.backward(loss, engine)
        assert not optimizer.step(loss).accepted
    texts = ["\n".join(m["content"] for m in request["messages"]) for request in scripted.requests]
    assert len(texts) == 5
    context = excerpt.context(loss)
    assert context.startswith('<FILE name="shipping.py"') and context.rstrip().endswith("</FAILING_TESTS>")
    shared = prompts.SCOPED_SYSTEM + "\n" + context
    assert all(text.startswith(shared) for text in texts)
    for earlier, later in zip(texts, texts[1:]):
        assert len(os.path.commonprefix([earlier, later])) >= len(shared)
    step = texts[-1][len(shared):]  # after the context: the failure, the critique, the memory, the request
    assert step.index("Failing tests:") < step.index("<FEEDBACK>") < step.index("<PAST_ATTEMPTS>") \
        < step.index("The tests are correct.")
    assert scripted.requests[-1]["temperature"] > 0  # sampled: the embedded runtime reuses the cached prefix


@pytest.mark.slow
def test_a_small_file_keeps_the_whole_file_prompt(project, scripted):
    x = tg.Variable.from_file(project / "stats.py")
    scripted.append("no code")
    tg.TGD([x], model=tg.LLM("openai/scripted", cache=None), second_opinion=None).step(
        tg.TestLoss(tests=project / "tests")(x))
    system, prompt = (m["content"] for m in scripted.requests[0]["messages"])
    assert prompt.startswith(f'<FILE name="stats.py">\n{x.value.rstrip()}') and "<FAILING_TESTS>" not in prompt


def test_the_test_source_is_found_from_its_junit_id_in_a_class_and_with_parameters(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text(
        "import pytest\n\n\nclass TestA:\n    @pytest.mark.parametrize('n', [1.5])\n    def test_n(self, n):\n"
        "        assert n\n")
    assert excerpt.test_source(tmp_path, "tests.test_a.TestA.test_n[1.5]") == (
        "# tests/test_a.py\nclass TestA:\n    @pytest.mark.parametrize('n', [1.5])\n    def test_n(self, n):\n"
        "        assert n")
    assert excerpt.test_source(tmp_path, "tests.test_a.TestA.test_missing") == ""
    assert excerpt.test_source(tmp_path, "command: make test") == ""


def test_a_test_a_class_inherits_from_a_mixin_in_its_file_is_shown_with_the_class_attributes_it_reads(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text(
        "import unittest\n\n\nclass StreamTests:\n    stream = None\n\n    def test_nested(self):\n"
        "        assert self.stream\n\n\nclass Base(StreamTests):\n    pass\n\n\n"
        "class TestStdout(Base, unittest.TestCase):\n    stream = 'stdout'\n\n    def test_own(self):\n"
        "        pass\n")
    assert excerpt.test_source(tmp_path, "tests.test_a.TestStdout.test_nested") == (
        "# tests/test_a.py\nclass TestStdout(Base, unittest.TestCase):\n    stream = 'stdout'\n"
        "class StreamTests:\n    def test_nested(self):\n        assert self.stream")
    assert excerpt.test_source(tmp_path, "tests.test_a.TestStdout.test_own") == (
        "# tests/test_a.py\nclass TestStdout(Base, unittest.TestCase):\n    def test_own(self):\n        pass")
    assert excerpt.test_source(tmp_path, "tests.test_a.TestStdout.test_missing") == ""


def test_the_excerpt_leaves_out_the_definitions_nobody_names():
    """Named by a test: by its signature. Named by nobody: not even that (on 55_configparser the one-line
    outline of the rest was two thirds of the excerpt)."""
    chosen = scope.targets(BUGGY, [BUGGY.splitlines().index("        rate = RATES[self.zone]") + 1])
    shown = excerpt.file_excerpt(BUGGY, chosen, "def test_filler():\n    assert filler_7(1, 2) == 8\n")
    assert [t.qualname for t in chosen] == ["Parcel.cost"]
    assert "def filler_7(a, b):\n    \"\"\"Filler number 7.\"\"\"\n    ..." in shown
    assert "filler_8" not in shown and "def label" not in shown
    assert shown.count("\n") < 40


def test_a_long_table_the_target_reads_is_shown_by_its_first_line():
    table = "ZONES = {\n" + "".join(f"    'z{n}': {n},\n" for n in range(20)) + "}\n"
    source = table + "\n\ndef zone(name):\n    return ZONES[name]\n\n\nSHORT = 1\n"
    chosen = scope.targets(source, [source.splitlines().index("    return ZONES[name]") + 1])
    shown = excerpt.file_excerpt(source, chosen)
    assert shown.startswith("ZONES = { ...\n\ndef zone(name):\n    return ZONES[name]") and "z7" not in shown
    assert "SHORT" not in shown  # module-level code the target does not name is left out


@pytest.mark.model
def test_embedded_model_repairs_a_large_module(tmp_path, monkeypatch):
    """The whole path on a 1,100+ line module with the real model: excerpt, begun answer, splice, tests.
    The bug: rounded_weight rounds down, where its docstring and two tests say up."""
    shipping = git_project(tmp_path / "shipping", {"shipping.py": FIXED.replace("math.ceil", "math.floor"),
                                                   "tests/test_shipping.py": TESTS})
    monkeypatch.chdir(shipping)
    result = cli("solve", "shipping.py", "--no-cache", "--json")
    assert result.exit_code == 0, result.output
    assert "def filler_139(a, b):" in (shipping / "shipping.py").read_text()  # the rest of the module is still there
    git.Repo(shipping).git.checkout("HEAD~1", "--", "tests")  # the tests as they were: nothing but FILE changed
    assert subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=shipping,
                          capture_output=True, timeout=120).returncode == 0


CLAMP = '''\
def clamp(x, low, high):
    if x < low:
        return low
    y = x
    if y > high:
        y = high
    return y
'''


def test_the_lines_asked_for_again_are_the_traced_one_and_its_condition_then_the_deciding_ones_first():
    target = scope.targets(CLAMP, [6])
    scores = {2: 0.5, 3: 0.5, 4: 0.5, 5: 0.5, 6: 0.7, 7: 0.5}
    assert [p.line for p in excerpt.lines_to_ask(CLAMP, [6], scores, target)] == [6, 5, 2, 3, 7, 4]
    assert [p.line for p in excerpt.lines_to_ask(CLAMP, [], {4: 0.5, 6: 0.5}, target)] == [4, 6, 5]


SPLIT = '''\
def total(prices, rate):
    result = sum(price * rate
                 for price in prices)
    if (result > 100
            and rate < 1):
        return result
    try:
        return round(result)
    except (TypeError,
            ValueError):
        return 0
'''


def test_a_line_that_begins_a_statement_over_several_lines_knows_where_the_statement_ends():
    target = scope.targets(SPLIT, [3])
    asked = excerpt.lines_to_ask(SPLIT, [3], {2: 0.5, 5: 0.5, 6: 0.5, 9: 0.5}, target)
    assert [(p.line, p.last) for p in asked] == [(3, 3), (5, 5), (6, 6), (4, 5), (2, 3), (9, 10)]


def test_a_traced_line_in_a_try_is_followed_by_the_except_clauses_that_let_its_exception_through():
    target = scope.targets(SPLIT, [8])
    asked = excerpt.lines_to_ask(SPLIT, [8], {2: 0.5, 8: 0.5}, target)
    assert [(p.line, p.last) for p in asked] == [(8, 8), (9, 10), (2, 3)]
    assert [p.line for p in excerpt.lines_to_ask(SPLIT, [], {8: 0.5, 2: 0.5}, target)] == [8, 2]  # suspicious only: no clause
