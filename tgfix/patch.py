"""Turn a model reply into a change to one source file.

The model answers either with the whole corrected file in a ```python fence
(extract_code, then make_diff computes the true unified diff) or with a diff
of its own (extract_diff, then apply_diff). Model-written diffs are applied
leniently, the way aider found works: @@ line numbers are ignored and each
hunk is a search/replace, matched exactly, then ignoring trailing whitespace,
then ignoring indentation. Anything that cannot be applied safely raises
PatchError with a one-line reason that can go straight back to the model.
"""

import difflib
import io
import re
from dataclasses import dataclass

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

__all__ = ["PatchError", "fence_langs", "fence_lang", "extract_code", "extract_diff", "make_diff", "apply_diff", "touched_paths",
           "changed_lines"]

PYTHON_LANGS = ("python", "py", "python3")
# The languages a model labels a file's code block with, by the file's suffix (else the suffix itself).
FENCE_LANGS = {".py": PYTHON_LANGS, ".pyi": PYTHON_LANGS, ".json": ("json", "jsonc", "json5"), ".toml": ("toml",),
               ".sql": ("sql",), ".sh": ("sh", "bash", "shell", "zsh"), ".bash": ("bash", "sh", "shell"),
               ".yaml": ("yaml", "yml"), ".yml": ("yaml", "yml"), ".ini": ("ini", "cfg"), ".cfg": ("ini", "cfg"),
               ".js": ("javascript", "js"), ".ts": ("typescript", "ts"), ".md": ("markdown", "md"),
               ".html": ("html",), ".css": ("css",), ".xml": ("xml",), ".c": ("c",), ".h": ("c",),
               ".rs": ("rust", "rs"), ".go": ("go",), ".rb": ("ruby", "rb")}
DIFF_LANGS = ("diff", "patch", "udiff")
OPENING_FENCE = re.compile(r"[ \t]*(`{3,})[ \t]*([^`\s]*)[^`]*")
CLOSING_FENCE = re.compile(r"[ \t]*(`{3,})[ \t]*")
# The prompt shows the file between <FILE name="..."> and </FILE>; a small model may copy the tags,
# one or both, into its code block, even mangled (`FILE name="x.py"`: all 10 unusable answers of
# the step prompt in bench/reports/samples).
FILE_TAG_LINE = re.compile(r'[ \t]*<?/?FILE(?:[ \t]+name="[^"\n]*")?[ \t]*>?[ \t]*\n?')
TAGGED_FILE = re.compile(r"^[ \t]*<FILE\b[^>\n]*>[ \t]*\n(.*?)^[ \t]*</FILE>", re.S | re.M)
NO_NEWLINE = "\\ No newline at end of file\n"
# Looser and looser ways to compare lines: exact, ignoring trailing whitespace, ignoring indentation.
LINE_KEYS = (str, str.rstrip, str.strip)


class PatchError(Exception):
    """Why a reply or a diff cannot become a change, in one line."""


# -----------------------------------------------------------------------------
# replies


@dataclass(frozen=True)
class Block:
    lang: str
    body: str


def split_lines(text: str) -> list[str]:
    """Lines with their endings; unlike str.splitlines only "\\n" ends a line, as in git and unidiff."""
    return io.StringIO(text).readlines()


def fenced_blocks(reply: str) -> list[Block]:
    blocks, fence = [], None
    for line in split_lines(reply):
        if fence is None:
            if opening := OPENING_FENCE.fullmatch(line.rstrip()):
                fence, lang, body = opening[1], opening[2].lower(), []
        elif (closing := CLOSING_FENCE.fullmatch(line.rstrip())) and len(closing[1]) >= len(fence):
            blocks.append(Block(lang, "".join(body)))
            fence = None
        else:
            body.append(line)
    if fence is not None:
        raise PatchError("reply looks truncated: a ``` fence is never closed")
    return blocks


def fence_langs(path: str) -> tuple[str, ...]:
    """The languages a code block of the file at path may be labelled with, the usual one first."""
    suffix = path[path.rfind("."):].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return FENCE_LANGS.get(suffix, (suffix[1:],) if suffix else ())


def fence_lang(path: str) -> str:
    """The label of a code block of the file at path ("python"), or "" for a file of unknown language."""
    return next(iter(fence_langs(path)), "")


def extract_code(reply: str, langs: tuple[str, ...] = PYTHON_LANGS) -> str:
    """The whole corrected file: the longest block in one of langs (```python), else the longest bare ```
    block, else, for a file not in Python, the reply's only block whatever its label (a JSON file's
    block may say javascript), else the file between the prompt's <FILE> tags; without the tags, if the
    model copied them into its block."""
    blocks = fenced_blocks(reply)
    candidates = [b.body for b in blocks if b.lang in langs] or [b.body for b in blocks if not b.lang]
    if not candidates and len(blocks) == 1 and langs != PYTHON_LANGS:
        candidates = [blocks[0].body]
    candidates = candidates or TAGGED_FILE.findall(reply)
    fence = f"```{next(iter(langs), '')}"
    if not candidates:
        raise PatchError(f"no {fence} code block in the reply")
    code = _without_file_tags(max(candidates, key=len))
    if not code.strip():
        raise PatchError(f"the {fence} code block is empty")
    return code


def _without_file_tags(code: str) -> str:
    """The code without a tag line of the prompt's <FILE> as its first or last line."""
    lines = split_lines(code)
    written = [i for i, line in enumerate(lines) if line.strip()]
    if written and FILE_TAG_LINE.fullmatch(lines[written[-1]]):
        del lines[written[-1]:]
    if written and FILE_TAG_LINE.fullmatch(lines[written[0]]):
        del lines[:written[0] + 1]
    return "".join(lines)


def extract_diff(reply: str) -> str:
    """The diff: all ```diff blocks joined, else the raw reply from its first `--- ` or `@@` line on."""
    diffs = [b.body for b in fenced_blocks(reply) if b.lang in DIFF_LANGS]
    if diffs:
        diff_text = "".join(diffs)
        if not diff_text.strip():
            raise PatchError("the ```diff block is empty")
        return diff_text
    lines = split_lines(reply)
    start = next((i for i, line in enumerate(lines) if line.startswith(("--- ", "@@"))), None)
    if start is None:
        raise PatchError("no diff in the reply: expected a ```diff block")
    return "".join(lines[start:])


# -----------------------------------------------------------------------------
# diffs


def make_diff(old: str, new: str, path: str) -> str:
    """A true unified diff (git style, 3 lines of context); "" when old == new."""
    lines = difflib.unified_diff(split_lines(old), split_lines(new), f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n" + NO_NEWLINE for line in lines)


@dataclass(frozen=True)
class Hunk:
    """A hunk as (op, line) pairs, op one of " -+"; lines keep their "\\n" unless at end of file."""

    lines: tuple[tuple[str, str], ...]

    @property
    def before(self) -> list[str]:
        return [text for op, text in self.lines if op != "+"]

    @property
    def after(self) -> list[str]:
        return [text for op, text in self.lines if op != "-"]

    @property
    def changes(self) -> int:
        return sum(op != " " for op, _ in self.lines)


def build_hunk(ops: list[tuple[str, str]]) -> Hunk:
    lines = []
    for op, text in ops:
        if op == "\\" and lines:  # "\ No newline at end of file" belongs to the line before it
            lines[-1] = (lines[-1][0], lines[-1][1].removesuffix("\n"))
        elif op in (" ", "-", "+"):
            lines.append((op, text if text.endswith("\n") else text + "\n"))
    return Hunk(tuple(lines))


def file_header_starts(lines: list[str]) -> list[int]:
    """Where a `--- ` line is directly followed by a `+++ ` line."""
    return [i for i in range(len(lines) - 1)
            if lines[i].startswith("--- ") and lines[i + 1].startswith("+++ ")]


def touched_paths(diff_text: str) -> list[str]:
    """The files named by the diff's ---/+++ headers, without a/ and b/ prefixes, in order."""
    lines = split_lines(diff_text)
    paths = []
    for start in file_header_starts(lines):
        for header in lines[start : start + 2]:
            name = header[4:].split("\t")[0].strip()
            name = name[2:] if name.startswith(("a/", "b/")) else name
            if name not in paths:
                paths.append(name)
    return paths


def split_hunks(diff_text: str) -> list[Hunk]:
    """Hunks found without trusting @@ counts: a hunk runs from its @@ line to the first line that is not
    a ' ', '-', '+', '\\' or blank line."""
    lines = split_lines(diff_text)
    headers = {i + offset for i in file_header_starts(lines) for offset in (0, 1)}
    hunks, ops = [], None
    for i, line in enumerate(lines):
        if line.startswith("@@"):
            ops = []
            hunks.append(ops)
        elif ops is None or i in headers:
            ops = None
        elif line[0] in " -+\\":
            ops.append((line[0], line[1:]))
        elif not line.strip():
            ops.append((" ", line))
        else:
            ops = None
    # A trailing blank is usually the model's separator, and a blank edge line does not help locate a hunk.
    for ops in hunks:
        while ops and ops[-1][0] == " " and not ops[-1][1].strip():
            ops.pop()
    return [build_hunk(ops) for ops in hunks]


def parse_hunks(diff_text: str) -> list[Hunk]:
    tolerant = split_hunks(diff_text)
    try:
        exact = [build_hunk([(line.line_type, line.value) for line in hunk])
                 for file in PatchSet(diff_text) for hunk in file]
    except UnidiffParseError:
        return tolerant
    # unidiff reads a well-formed diff exactly, but silently drops the lines past a too-small @@ count
    # and whole hunks whose @@ line has no numbers.
    agree = [h.changes for h in exact] == [h.changes for h in tolerant]
    return exact if agree else tolerant


# -----------------------------------------------------------------------------
# applying a diff


def indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def indent_change(lines: list[str], at: int, before: list[str]) -> tuple[str, str]:
    """(hunk's, file's) indentation of the first non-blank line the hunk matched at `at`."""
    for have, want in zip(lines[at:], before):
        if want.strip():
            return indentation(want), indentation(have)
    return "", ""


def reindent(text: str, old: str, new: str) -> str:
    return new + text[len(old) :] if text.strip() and text.startswith(old) else text


def find(lines: list[str], needle: list[str], key) -> list[int]:
    have, want = [key(line) for line in lines], [key(line) for line in needle]
    return [i for i in range(len(lines) - len(needle) + 1) if have[i : i + len(needle)] == want]


def replace(lines: list[str], at: int, hunk: Hunk) -> list[str]:
    """Apply the hunk where its before-text starts at `at`; context lines keep the file's own spelling."""
    old_indent, new_indent = indent_change(lines, at, hunk.before)
    out, i = [], at
    for op, text in hunk.lines:
        if op == "+":
            out.append(reindent(text, old_indent, new_indent))
            continue
        if op == " ":
            out.append(lines[i])
        i += 1
    return lines[:at] + out + lines[i:]


def apply_hunk(lines: list[str], hunk: Hunk, number: int) -> list[str]:
    if not hunk.changes:
        raise PatchError(f"hunk {number} has no + or - lines")
    for key in LINE_KEYS:
        places = find(lines, hunk.before, key)
        if len(places) > 1:
            raise PatchError(f"hunk {number} matches {len(places)} places: ambiguous")
        if places:
            return replace(lines, places[0], hunk)
    if any(find(lines, hunk.after, key) for key in LINE_KEYS):
        return lines  # already applied
    raise PatchError(f"hunk {number} does not match the file")


def join_lines(lines: list[str]) -> str:
    # the file's old last line may have no "\n" and no longer be last
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines[:-1]) + "".join(lines[-1:])


def check_paths(diff_text: str, path: str) -> None:
    for name in touched_paths(diff_text):
        if name == "/dev/null":
            raise PatchError(f"diff creates or deletes a file, only edits to {path} are allowed")
        if name != path:
            raise PatchError(f"diff edits {name}, only {path} may change")


def apply_diff(original: str, diff_text: str, path: str) -> str:
    """`original` (the contents of `path`) with a model-written diff applied leniently."""
    check_paths(diff_text, path)
    hunks = parse_hunks(diff_text)
    if not hunks:
        raise PatchError("diff has no @@ hunks")
    lines = split_lines(original)
    for number, hunk in enumerate(hunks, 1):
        lines = apply_hunk(lines, hunk, number)
    patched = join_lines(lines)
    if patched == original:
        raise PatchError("diff changes nothing (already applied?)")
    return patched


def changed_lines(diff_text: str) -> list[int]:
    """Line numbers, in the new file, that a true unified diff adds or changes."""
    return [line.target_line_no for patched in PatchSet(io.StringIO(diff_text)) for hunk in patched
            for line in hunk if line.is_added]
