import ast
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import select
from bench.probes.scope_tokens import changed_lines
from tgfix import prompts
from tgfix.patch import PatchError
from tgfix.scope import python_lines, splice, targets

SOURCE = '''\
"""Stacks and stats."""

import functools

LIMIT = 3


class Stack:
    """A bounded stack."""

    size = 0

    def __init__(self):
        self.items = []

    @functools.lru_cache(maxsize=None)
    def push(self, item):
        if len(self.items) > LIMIT:
            raise OverflowError
        self.items.append(item)

    def pop(self):
        return self.items.pop()


def mean(xs):
    def total(ys):
        return sum(ys)
    return total(xs) / len(xs)


async def fetch(url):
    return url
'''


def line_of(text: str, source: str = SOURCE) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if text in line)


def names(found) -> list[str]:
    return [t.qualname for t in found]


def dedent(text: str) -> str:
    return textwrap.dedent(text)


# -----------------------------------------------------------------------------
# targets


def test_a_line_in_a_method_targets_the_method_from_its_decorator():
    (push,) = targets(SOURCE, [line_of("self.items.append")])
    assert push.qualname == "Stack.push"
    assert push.owner == "Stack" and push.name == "push"
    assert push.start == line_of("@functools.lru_cache") and push.end == line_of("self.items.append")
    assert push.text.startswith("    @functools.lru_cache") and push.text.endswith("append(item)\n")


def test_a_line_in_a_nested_function_targets_its_top_level_function():
    assert names(targets(SOURCE, [line_of("return sum(ys)")])) == ["mean"]


def test_async_functions_are_targets():
    assert names(targets(SOURCE, [line_of("return url")])) == ["fetch"]


def test_targets_follow_the_order_of_the_lines_without_repeats():
    lines = [line_of("return url"), line_of("return sum"), line_of("raise Overflow"), line_of("return url")]
    assert names(targets(SOURCE, lines)) == ["fetch", "mean", "Stack.push"]


def test_at_most_max_targets():
    lines = [line_of("return url"), line_of("return sum"), line_of("raise Overflow")]
    assert names(targets(SOURCE, lines, max_targets=2)) == ["fetch", "mean"]


def test_module_level_and_class_body_lines_have_no_target():
    lines = [line_of("LIMIT = 3"), line_of("size = 0"), line_of("class Stack"), line_of("import functools")]
    assert targets(SOURCE, lines) == ()


def test_module_level_lines_are_skipped_among_others():
    assert names(targets(SOURCE, [line_of("LIMIT = 3"), line_of("return self.items.pop")])) == ["Stack.pop"]


def test_a_file_that_does_not_parse_has_no_targets():
    assert targets("def f(:\n    pass\n", [1, 2]) == ()


PROPERTY_WITH_SETTER = dedent('''\
    class Temp:
        @property
        def celsius(self):
            return self._c

        @celsius.setter
        def celsius(self, value):
            self._c = value
    ''')


def test_a_name_defined_twice_gives_every_definition():
    source = PROPERTY_WITH_SETTER
    found = targets(source, [line_of("self._c = value", source)])
    assert [(t.qualname, t.start) for t in found] == [("Temp.celsius", 2), ("Temp.celsius", 6)]


def test_function_format_names_the_targets():
    found = targets(SOURCE, [line_of("raise Overflow"), line_of("return url")])
    text = prompts.FUNCTION_FORMAT.substitute(name="stack.py", targets=", ".join(t.label for t in found))
    assert "`Stack.push` (lines 16-20), `fetch` (lines 32-33)" in text
    assert "```python" in text and "class" in text


# -----------------------------------------------------------------------------
# splice


def push_target():
    return targets(SOURCE, [line_of("raise Overflow")])


def outside(source: str, target) -> tuple[list[str], list[str]]:
    lines = python_lines(source)
    return lines[: target.start - 1], lines[target.end :]


def assert_only_target_changed(new: str, target) -> None:
    before, after = outside(SOURCE, target)
    new_lines = python_lines(new)
    assert new_lines[: len(before)] == before
    assert new_lines[len(new_lines) - len(after) :] == after


FIXED_PUSH_BARE = '''\
    @functools.lru_cache(maxsize=None)
    def push(self, item):
        if len(self.items) >= LIMIT:
            raise OverflowError
        self.items.append(item)
'''


def test_a_bare_indented_method_is_spliced_in_place():
    (push,) = push_target()
    new = splice(SOURCE, FIXED_PUSH_BARE, [push])
    assert new == SOURCE.replace("> LIMIT", ">= LIMIT")


def test_a_method_at_column_zero_is_reindented():
    (push,) = push_target()
    new = splice(SOURCE, dedent(FIXED_PUSH_BARE), [push])
    assert new == SOURCE.replace("> LIMIT", ">= LIMIT")


def test_a_method_inside_its_class_line_is_spliced_in_place():
    (push,) = push_target()
    reply = "class Stack:\n" + FIXED_PUSH_BARE
    assert splice(SOURCE, reply, [push]) == SOURCE.replace("> LIMIT", ">= LIMIT")


def test_a_class_wrapper_with_other_unchanged_members_is_accepted():
    (push,) = push_target()
    reply = 'class Stack(object):\n    """A bounded stack."""\n    size = 0\n\n' + FIXED_PUSH_BARE
    assert splice(SOURCE, reply, [push]) == SOURCE.replace("> LIMIT", ">= LIMIT")


def test_a_changed_class_attribute_is_refused():
    (push,) = push_target()
    with pytest.raises(PatchError, match="changes class `Stack`"):
        splice(SOURCE, "class Stack:\n    size = 1\n" + FIXED_PUSH_BARE, [push])


def test_a_function_is_spliced_and_its_nested_function_comes_with_it():
    (mean,) = targets(SOURCE, [line_of("return sum")])
    reply = "def mean(xs):\n    def total(ys):\n        return sum(ys)\n    return total(xs) / max(len(xs), 1)\n"
    new = splice(SOURCE, reply, [mean])
    assert new == SOURCE.replace("/ len(xs)", "/ max(len(xs), 1)")
    assert_only_target_changed(new, mean)


def test_an_async_function_may_come_back_as_a_plain_one():
    (fetch,) = targets(SOURCE, [line_of("return url")])
    new = splice(SOURCE, "def fetch(url):\n    return url.strip()\n", [fetch])
    assert new.endswith("def fetch(url):\n    return url.strip()\n")


def test_several_targets_in_one_reply():
    found = targets(SOURCE, [line_of("raise Overflow"), line_of("return url")])
    reply = "async def fetch(url):\n    return url.lower()\n\n\nclass Stack:\n" + FIXED_PUSH_BARE
    new = splice(SOURCE, reply, found)
    assert new == SOURCE.replace("> LIMIT", ">= LIMIT").replace("return url", "return url.lower()")


def test_targets_the_reply_leaves_out_stay_as_they_were():
    found = targets(SOURCE, [line_of("raise Overflow"), line_of("return url")])
    assert splice(SOURCE, FIXED_PUSH_BARE, found) == SOURCE.replace("> LIMIT", ">= LIMIT")


def test_a_whole_file_reply_gives_only_the_targets():
    (push,) = push_target()
    reply = SOURCE.replace("> LIMIT", ">= LIMIT").replace("# ", "")
    reply = reply.replace('"""Stacks and stats."""\n', "'''Stacks and stats.'''\n")  # formatting only
    assert splice(SOURCE, reply, [push]) == SOURCE.replace("> LIMIT", ">= LIMIT")


def test_a_whole_file_reply_that_changes_another_function_replaces_it_too():
    """41_matrix: localization pointed elsewhere, the model's whole-class reply fixed __matmul__."""
    (push,) = push_target()
    reply = SOURCE.replace("> LIMIT", ">= LIMIT").replace("return url", "return url + '/'")
    assert splice(SOURCE, reply, [push]) == reply
    only_fetch = SOURCE.replace("return url", "return url + '/'")
    assert splice(SOURCE, only_fetch, [push]) == only_fetch  # the target left as it was


def test_the_outline_of_an_excerpt_echoed_back_is_ignored():
    """Large case 54: the embedded model answered with the whole excerpt, every other definition a stub."""
    (push,) = push_target()
    reply = dedent('''\
        class Stack:
            """A bounded stack."""

            def __init__(self): ...

            @functools.lru_cache(maxsize=None)
            def push(self, item):
                if len(self.items) >= LIMIT:
                    raise OverflowError
                self.items.append(item)

            def pop(self):
                """Take the top item."""
                ...


        def mean(xs): ...
        async def fetch(url): ...
        ''')
    assert splice(SOURCE, reply, [push]) == SOURCE.replace("> LIMIT", ">= LIMIT")


def test_a_whole_file_reply_with_new_module_code_is_refused():
    (push,) = push_target()
    reply = "import math\n" + SOURCE.replace("> LIMIT", ">= LIMIT")
    with pytest.raises(PatchError, match="changes module-level code"):
        splice(SOURCE, reply, [push])


def test_a_changed_method_beside_the_target_replaces_the_files_method():
    (push,) = push_target()
    reply = FIXED_PUSH_BARE + "\n    def pop(self):\n        return None\n"
    new = splice(SOURCE, reply, [push])
    assert new == SOURCE.replace("> LIMIT", ">= LIMIT").replace("return self.items.pop()", "return None")


def test_a_new_helper_function_goes_right_after_its_target():
    (mean,) = targets(SOURCE, [line_of("return sum")])
    reply = "def mean(xs):\n    return _total(xs) / len(xs)\n\ndef _total(ys):\n    return sum(ys)\n"
    new = splice(SOURCE, reply, [mean])
    expected = "def mean(xs):\n    return _total(xs) / len(xs)\n\n\ndef _total(ys):\n    return sum(ys)\n\n\nasync"
    assert expected in new
    assert ast.parse(new)


def test_a_new_helper_before_its_target_goes_right_before_it():
    (mean,) = targets(SOURCE, [line_of("return sum")])
    reply = "def _total(ys):\n    return sum(ys)\n\ndef mean(xs):\n    return _total(xs) / len(xs)\n"
    assert "def _total(ys):\n    return sum(ys)\n\n\ndef mean(xs):\n" in splice(SOURCE, reply, [mean])


def test_a_new_function_next_to_a_method_becomes_a_method():
    (push,) = push_target()
    reply = "class Stack:\n" + FIXED_PUSH_BARE + "\n    def _full(self):\n        return False\n"
    new = splice(SOURCE, reply, [push])
    assert "self.items.append(item)\n\n    def _full(self):\n        return False\n\n    def pop" in new


def test_a_new_function_before_a_bare_method_may_not_redefine_a_method():
    (push,) = push_target()
    with pytest.raises(PatchError, match=r"changes `Stack.pop`"):
        splice(SOURCE, "def pop(self):\n    return None\n\n" + dedent(FIXED_PUSH_BARE), [push])


def test_a_new_class_is_refused():
    (push,) = push_target()
    with pytest.raises(PatchError, match="adds class `Queue`"):
        splice(SOURCE, FIXED_PUSH_BARE + "class Queue:\n    pass\n", [push])


def test_a_new_function_with_no_target_near_it_is_refused():
    (push,) = push_target()
    reply = "class Stack:\n" + FIXED_PUSH_BARE + "\n\ndef helper():\n    return 1\n"
    with pytest.raises(PatchError, match="`helper` is not next to a definition asked for"):
        splice(SOURCE, reply, [push])


def test_a_class_where_a_function_was_asked_for_is_refused():
    (mean,) = targets(SOURCE, [line_of("return sum")])
    with pytest.raises(PatchError, match="defines `mean` as a class"):
        splice(SOURCE, "class mean:\n    pass\n", [mean])


@pytest.mark.parametrize("reply, reason", [
    ("def push(self, item:\n    pass\n", "not valid Python: line 1"),
    ("def unrelated():\n    return 1\n", "not next to a definition asked for"),
    ("x = 1\n", "changes module-level code"),
    (FIXED_PUSH_BARE + "    x = 1\n", r"module-level code \(reply line 6\)"),
    (FIXED_PUSH_BARE * 2, "more times than the file does"),
])
def test_unusable_replies_raise_a_one_line_reason(reply, reason):  # one line: it goes back to the model
    with pytest.raises(PatchError, match=reason) as error:
        splice(SOURCE, reply, push_target())
    assert "\n" not in str(error.value)


def test_a_bare_method_name_shared_by_two_target_classes_is_ambiguous():
    source = "class A:\n    def run(self):\n        return 1\n\n\nclass B:\n    def run(self):\n        return 2\n"
    found = targets(source, [3, 8])
    with pytest.raises(PatchError, match="ambiguous"):
        splice(source, "def run(self):\n    return 3\n", found)
    assert splice(source, "class B:\n    def run(self):\n        return 3\n", found) == source.replace("2", "3")


def test_targets_from_another_version_of_the_file_are_refused():
    (push,) = push_target()
    with pytest.raises(PatchError, match="do not come from this version"):
        splice("\n" + SOURCE, FIXED_PUSH_BARE, [push])


def test_getter_and_setter_are_matched_by_their_decorators():
    source = PROPERTY_WITH_SETTER
    found = targets(source, [line_of("self._c = value", source)])
    reply = "@celsius.setter\ndef celsius(self, value):\n    self._c = float(value)\n"
    assert splice(source, reply, found) == source.replace("= value", "= float(value)")


# -----------------------------------------------------------------------------
# the file's own bytes: tabs, CRLF, no final newline, unicode


def test_tabs_in_the_file_stay_tabs_when_the_reply_uses_spaces():
    source = ("class Stack:\n\tdef push(self, item):\n\t\tif item:\n\t\t\treturn 1\n\t\treturn 0\n"
              "\n\tdef pop(self):\n\t\tpass\n")
    found = targets(source, [4])
    reply = "class Stack:\n    def push(self, item):\n        if item:\n            return 2\n        return 0\n"
    assert splice(source, reply, found) == source.replace("return 1", "return 2")


def test_crlf_files_keep_crlf():
    source = SOURCE.replace("\n", "\r\n")
    found = targets(source, [line_of("raise Overflow")])
    new = splice(source, FIXED_PUSH_BARE, found)
    assert new == source.replace("> LIMIT", ">= LIMIT")


def test_crlf_files_keep_crlf_in_new_helpers():
    source = "def f(x):\r\n    return x\r\n"
    new = splice(source, "def f(x):\n    return g(x)\n\ndef g(x):\n    return x\n", targets(source, [2]))
    assert new == "def f(x):\r\n    return g(x)\r\n\r\n\r\ndef g(x):\r\n    return x\r\n"


def test_a_file_without_a_final_newline_stays_without_one():
    source = "def f(x):\n    return x"
    assert splice(source, "def f(x):\n    return x + 1\n", targets(source, [2])) == "def f(x):\n    return x + 1"


def test_unicode_names_and_strings():
    source = "def grüße(name):\n    return 'hallo ' + name  # ✓\n\n\ndef ok():\n    return 'é'\n"
    found = targets(source, [2])
    assert names(found) == ["grüße"]
    new = splice(source, "def grüße(name):\n    return 'grüß dich ' + name\n", found)
    assert new == "def grüße(name):\n    return 'grüß dich ' + name\n\n\ndef ok():\n    return 'é'\n"


def test_an_unchanged_reply_keeps_the_original_bytes_and_comments():
    (push,) = push_target()
    reply = "class Stack:\n  @functools.lru_cache(maxsize=None)\n  def push(self, item):\n" \
            "    if len(self.items) > LIMIT: raise OverflowError\n    self.items.append(item)\n"
    assert splice(SOURCE, reply, [push]) == SOURCE


# -----------------------------------------------------------------------------
# property: every byte outside the target span is the file's own


@st.composite
def python_files(draw) -> str:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    unit = draw(st.sampled_from(["    ", "  ", "\t"]))
    word = st.sampled_from(["alpha", "beta", "gamma", "δelta", "ñame"])
    units = []
    for number in range(draw(st.integers(1, 5))):
        body = [f"{unit}{draw(word)}_{number} = {draw(st.integers(0, 9))}", f"{unit}return '{draw(word)}'"]
        kind = draw(st.sampled_from(["function", "async", "decorated", "class", "statement"]))
        if kind == "class":
            methods = [f"{unit}def m{i}(self):{newline}" + newline.join(unit + line for line in body)
                       for i in range(draw(st.integers(1, 3)))]
            units.append(f"class C{number}:{newline}" + (newline * 2).join(methods))
        elif kind == "statement":
            units.append(f"VALUE_{number} = {draw(st.integers(0, 9))}")
        else:
            header = {"function": "", "async": "async ", "decorated": f"@staticmethod{newline}"}[kind]
            units.append(f"{header}def f{number}(x):{newline}" + newline.join(body))
    text = (newline * 3).join(units)
    return text + newline if draw(st.booleans()) else text


def all_targets(source: str):
    return targets(source, range(1, len(python_lines(source)) + 1), max_targets=10_000)


@settings(max_examples=200, deadline=None)
@given(python_files())
def test_splicing_a_targets_own_text_back_gives_the_file_byte_for_byte(source):
    for target in all_targets(source):
        assert splice(source, target.text, [target]) == source


@settings(max_examples=200, deadline=None)
@given(python_files(), st.sampled_from([0, 4]))
def test_splicing_a_changed_definition_changes_only_its_span(source, reply_indent):
    for target in all_targets(source):
        body_indent = python_lines(target.text)[-1][: -len(python_lines(target.text)[-1].lstrip())]
        changed = target.text.rstrip("\r\n") + "\n" + body_indent + "pass\n"
        reply = textwrap.indent(textwrap.dedent(changed.replace("\r\n", "\n")), " " * reply_indent)
        new = splice(source, reply, [target])
        before, after = outside(source, target)
        new_lines = python_lines(new)
        assert new_lines[: len(before)] == before and new_lines[len(new_lines) - len(after) :] == after
        (again,) = targets(new, [target.start])
        assert again.text.rstrip("\r\n").endswith(body_indent + "pass")


# -----------------------------------------------------------------------------
# the benchmark corpus: the reference fixes, as a small model and as a strong one would reply


CASES = select([])


def buggy_and_fixed(case) -> tuple[str, str]:
    return (case.path / case.file).read_text(), case.fixed


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_reference_fix_is_one_splice_of_the_definitions_it_changes(case):
    buggy, fixed = buggy_and_fixed(case)
    found = targets(buggy, changed_lines(buggy, fixed), max_targets=100)
    assert found
    assert splice(buggy, fixed, found) == fixed  # the whole fixed file as the reply
    wanted = {t.qualname for t in found}
    fixed_definitions = [t for t in all_targets(fixed) if t.qualname in wanted]
    reply = "".join(textwrap.dedent(t.text) + "\n" for t in fixed_definitions if not t.owner)
    reply += "".join(f"class {t.owner}:\n{t.text}\n" for t in fixed_definitions if t.owner)
    assert splice(buggy, reply, found) == fixed
