import itertools
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tgfix.patch import PatchError, apply_diff, extract_code, extract_diff, make_diff, touched_paths

PATH = "src/foo.py"

ORIGINAL = """\
def add(a, b):
    return a - b


def mean(xs):
    total = 0
    for x in xs:
        total += x
    return total / len(xs)
"""

FIXED = ORIGINAL.replace("a - b", "a + b")
ADD_HUNK = "@@ @@\n def add(a, b):\n-    return a - b\n+    return a + b\n"
MEAN_HUNK = "@@ @@\n-    return total / len(xs)\n+    return total / max(len(xs), 1)\n"
FIXED_TWICE = FIXED.replace("/ len(xs)", "/ max(len(xs), 1)")


def fence(lang, body):
    return f"```{lang}\n{body}```\n"


def git_apply(tmp_path, old, diff_text):
    """Apply with real git (after `git apply --check`) and return the file it wrote."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    target = tmp_path / PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(old.encode())
    for args in (["--check"], []):
        subprocess.run(["git", "apply", *args], cwd=tmp_path, input=diff_text.encode(),
                       check=True, capture_output=True)
    return target.read_bytes().decode()


# -----------------------------------------------------------------------------
# extract_code


def test_extract_code_takes_the_fenced_file():
    assert extract_code("Here is the fix:\n" + fence("python", FIXED) + "It adds now.") == FIXED


def test_extract_code_takes_the_longest_python_block():
    reply = fence("py", "x = 1\n") + fence("python", FIXED) + fence("bash", "pytest -q " * 50 + "\n")
    assert extract_code(reply) == FIXED


def test_extract_code_accepts_a_bare_fence_and_longer_fences():
    assert extract_code(fence("", FIXED)) == FIXED
    assert extract_code("````python\n" + FIXED + "```\n````\n") == FIXED + "```\n"


@pytest.mark.parametrize("reply", [
    fence("python", f'<FILE name="{PATH}">\n{FIXED}</FILE>\n'),  # the quickstart's greedy answer, with the fix
    f'Fixed:\n<FILE name="{PATH}">\n{FIXED}</FILE>\nDone.',
    fence("python", f'<FILE name="{PATH}">\n{FIXED}'),  # the opening tag only (bench/reports/samples)
    fence("python", f'FILE name="{PATH}">\n{FIXED}'),  # mangled
    fence("python", f'FILE name="{PATH}"\n{FIXED}'),
    fence("python", f'{FIXED}</FILE>\n\n'),
])
def test_extract_code_drops_the_prompts_file_tags_the_model_copied(reply):
    assert extract_code(reply) == FIXED


@pytest.mark.parametrize(
    "reply, reason",
    [
        (FIXED, "no ```python code block"),
        (f"<FILE>\n{FIXED}", "no ```python code block"),
        (fence("diff", "-a\n+b\n"), "no ```python code block"),
        ("```python\n" + FIXED, "truncated"),
        (fence("python", "\n  \n"), "empty"),
    ],
)
def test_extract_code_refuses(reply, reason):
    with pytest.raises(PatchError, match=reason):
        extract_code(reply)


# -----------------------------------------------------------------------------
# extract_diff


def test_extract_diff_from_a_diff_fence():
    diff_text = make_diff(ORIGINAL, FIXED, PATH)
    assert extract_diff("Fix:\n" + fence("diff", diff_text) + "Done.") == diff_text


def test_extract_diff_from_raw_text():
    diff_text = make_diff(ORIGINAL, FIXED, PATH)
    assert extract_diff("The fix is below.\n\n" + diff_text) == diff_text


@pytest.mark.parametrize("reply", ["I could not find the bug.", fence("python", FIXED), fence("diff", "")])
def test_extract_diff_refuses(reply):
    with pytest.raises(PatchError):
        extract_diff(reply)


# -----------------------------------------------------------------------------
# make_diff


def test_make_diff_is_a_git_style_unified_diff():
    diff_text = make_diff(ORIGINAL, FIXED, PATH)
    assert diff_text.startswith(f"--- a/{PATH}\n+++ b/{PATH}\n@@ -1,5 +1,5 @@\n")
    assert "-    return a - b\n+    return a + b\n" in diff_text
    assert make_diff(ORIGINAL, ORIGINAL, PATH) == ""


@pytest.mark.parametrize(
    "old, new",
    [
        (ORIGINAL, FIXED),
        ("a\nb\n", "a\nc"),
        ("a\nb", "a\nc\n"),
        ("a\nb", "a\nc"),
        ("a\nb", "a\nb\n"),
        ("", "x = 1\n"),
        ("x = 1\n", ""),
    ],
)
def test_make_diff_applies_with_git_and_with_apply_diff(tmp_path, old, new):
    diff_text = make_diff(old, new, PATH)
    assert git_apply(tmp_path, old, diff_text) == new
    assert apply_diff(old, diff_text, PATH) == new


def test_make_diff_marks_a_missing_final_newline():
    marker = "\\ No newline at end of file\n"
    assert make_diff("a\nb", "a\nc", PATH).endswith(f"-b\n{marker}+c\n{marker}")


# -----------------------------------------------------------------------------
# apply_diff


def test_apply_diff_with_wrong_line_numbers():
    diff_text = f"--- a/{PATH}\n+++ b/{PATH}\n" + ADD_HUNK.replace("@@ @@", "@@ -40,2 +40,2 @@")
    assert apply_diff(ORIGINAL, diff_text, PATH) == FIXED


@pytest.mark.parametrize("header", ["@@ -1,1 +1,1 @@", "@@ -1,9 +1,9 @@", "@@ ... @@", "@@"])
def test_apply_diff_ignores_malformed_hunk_counts(header):
    diff_text = f"--- {PATH}\n+++ {PATH}\n" + ADD_HUNK.replace("@@ @@", header) + "\n"
    assert apply_diff(ORIGINAL, diff_text, PATH) == FIXED


def test_apply_diff_without_file_headers_and_several_hunks():
    assert apply_diff(ORIGINAL, ADD_HUNK + MEAN_HUNK, PATH) == FIXED_TWICE


def test_apply_diff_tolerates_trailing_whitespace():
    diff_text = "@@ @@\n def add(a, b):  \n-    return a - b\t\n+    return a + b\n"
    assert apply_diff(ORIGINAL, diff_text, PATH) == FIXED


def test_apply_diff_reindents_a_hunk_written_without_indentation():
    diff_text = "@@ @@\n for x in xs:\n-    total += x\n+    total += 2 * x\n"
    assert apply_diff(ORIGINAL, diff_text, PATH) == ORIGINAL.replace("+= x", "+= 2 * x")


def test_apply_diff_keeps_the_files_own_context_lines():
    original = ORIGINAL.replace("def add(a, b):", "def add(a, b):   ")
    assert apply_diff(original, ADD_HUNK, PATH) == FIXED.replace("def add(a, b):", "def add(a, b):   ")


def test_apply_diff_refuses_an_ambiguous_hunk():
    diff_text = "@@ @@\n-    return a - b\n+    return a + b\n"
    with pytest.raises(PatchError, match="hunk 1 matches 2 places: ambiguous"):
        apply_diff(ORIGINAL + ORIGINAL, diff_text, PATH)


def test_apply_diff_refuses_a_hunk_that_does_not_match():
    diff_text = "@@ @@\n def add(a, b):\n-    return b - a\n+    return a + b\n"
    with pytest.raises(PatchError, match="hunk 1 does not match the file"):
        apply_diff(ORIGINAL, diff_text, PATH)


def test_apply_diff_skips_an_already_applied_hunk():
    assert apply_diff(FIXED, make_diff(ORIGINAL, FIXED, PATH) + MEAN_HUNK, PATH) == FIXED_TWICE
    with pytest.raises(PatchError, match=r"diff changes nothing \(already applied\?\)"):
        apply_diff(FIXED, make_diff(ORIGINAL, FIXED, PATH), PATH)


@pytest.mark.parametrize(
    "diff_text, reason",
    [
        ("@@ @@\n def add(a, b):\n     return a - b\n", "hunk 1 has no \\+ or - lines"),
        ("@@ @@\n-    return a - b\n+    return a - b\n", "changes nothing"),
        (f"--- a/{PATH}\n+++ b/{PATH}\n", "no @@ hunks"),
        ("", "no @@ hunks"),
    ],
)
def test_apply_diff_refuses_a_diff_that_changes_nothing(diff_text, reason):
    with pytest.raises(PatchError, match=reason):
        apply_diff(ORIGINAL, diff_text, PATH)


@pytest.mark.parametrize(
    "old_name, new_name, reason",
    [
        ("a/tests/test_x.py", "b/tests/test_x.py", f"^diff edits tests/test_x.py, only {PATH} may change$"),
        (f"a/{PATH}", "b/tests/test_x.py", "diff edits tests/test_x.py"),
        ("/etc/passwd", "/etc/passwd", "diff edits /etc/passwd"),
        (f"a/../{PATH}", f"b/../{PATH}", f"diff edits ../{PATH}"),
        ("/dev/null", f"b/{PATH}", "creates or deletes a file"),
        (f"a/{PATH}", "/dev/null", "creates or deletes a file"),
    ],
)
def test_apply_diff_refuses_other_files(old_name, new_name, reason):
    with pytest.raises(PatchError, match=reason):
        apply_diff(ORIGINAL, f"--- {old_name}\n+++ {new_name}\n{ADD_HUNK}", PATH)


def test_touched_paths():
    second = make_diff("x\n", "y\n", "tests/test_foo.py")
    assert touched_paths(make_diff(ORIGINAL, FIXED, PATH) + second) == [PATH, "tests/test_foo.py"]
    assert touched_paths("@@ @@\n-a\n+b\n") == []


# -----------------------------------------------------------------------------
# properties

FAST = settings(max_examples=150, deadline=None)

diff_lines = st.sampled_from(
    [f"--- a/{PATH}", f"+++ b/{PATH}", "--- ", "+++ ", "@@ -1,2 +1,3 @@", "@@ -0,0 +1 @@", "@@ ... @@", "@@",
     " def add(a, b):", "-    return a - b", "+    return a + b", " ", "", "-", "+",
     "\\ No newline at end of file", "```diff", "```python", "```", "diff --git a/x b/x", "new file mode 100644",
     "GIT binary patch"]
)
garbage = st.one_of(st.text(), st.lists(st.one_of(diff_lines, st.text(max_size=8))).map("\n".join))


@FAST
@given(reply=garbage, original=st.one_of(st.just(ORIGINAL), st.text()))
def test_garbage_only_ever_raises_patch_error(reply, original):
    for attempt in (extract_code, extract_diff, lambda text: apply_diff(original, text, PATH)):
        try:
            attempt(reply)
        except PatchError:
            pass


@st.composite
def edits(draw):
    """Old and new files of unique numbered lines: new keeps, drops or replaces old lines, inserts fresh ones."""
    size = draw(st.integers(0, 25))
    fresh = itertools.count(size)
    old, new = [], []
    for number in range(size):
        old.append(f"line {number}\n")
        action = draw(st.sampled_from(["keep", "keep", "keep", "drop", "replace", "insert"]))
        if action in ("replace", "insert"):
            new.append(f"line {next(fresh)}\n")
        if action in ("keep", "insert"):
            new.append(old[-1])
    new += [f"line {next(fresh)}\n" for _ in range(draw(st.integers(0, 2)))]

    def text(lines):
        return "".join(lines) if draw(st.booleans()) else "".join(lines).removesuffix("\n")

    return text(old), text(new)


@FAST
@given(edits())
def test_apply_diff_inverts_make_diff(edit):
    old, new = edit
    diff_text = make_diff(old, new, PATH)
    if diff_text:
        assert apply_diff(old, diff_text, PATH) == new
    else:
        assert old == new


@settings(max_examples=20, deadline=None)
@given(edits())
def test_git_applies_make_diff(edit):
    old, new = edit
    assume(old != new)
    with tempfile.TemporaryDirectory() as tmp:
        assert git_apply(Path(tmp), old, make_diff(old, new, PATH)) == new
