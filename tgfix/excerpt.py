"""What the model reads of a large file: the definitions the failures touch, in a context that stays put.

Below LARGE_FILE_CHARS the model reads the whole file. From there on, when the failures point
into definitions (tgfix.scope), it reads an excerpt instead, in the file's order:
- the imports, as they are;
- the target definitions in full; the class around a target with its header, docstring line,
  class attributes and `__init__` (where instance attributes are set);
- the signature and first docstring line of every other definition the targets or the failing
  tests name;
- nothing of the rest: a definition or module-level code nobody named is left out;
and the source of the failing test functions, read from the test files (never written).

Every call of a run on that file starts with the same text (prompts.SCOPED_SYSTEM, then this
context), and what changes from call to call comes after it: llama.cpp's prompt cache then
processes the context once, not once per call.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from tgfix import patch, prompts, scope
from tgfix.localize import ochiai
from tgfix.loss import Loss
from tgfix.runner import TestCase
from tgfix.source import syntax_tree

# From 9,000 characters (about 3,000 tokens, 50 s of prompt at 60 tokens/s on 2 cores) a file is
# excerpted: every file of the 53-case corpus is under it (46_inventory, 8,379), so their prompts
# and greedy answers are unchanged; on a 1,382-line module the prompts are 6x smaller than with the
# whole file (bench/reports/scoped-prompt/).
LARGE_FILE_CHARS = 9_000
MAX_TESTS_SHOWN = 3
TEST_LINES = 60  # of one failing test's source: a long table of cases says little more than its start
INIT_LINES = 30  # a longer __init__ is shown by its signature
STATEMENT_LINES = 10  # a longer module or class attribute (a table) is shown by its first line
TEST_ID_PARAMETERS = re.compile(r"\[.*\]$")
IDENTIFIER = re.compile(r"[^\W\d]\w*")
DEFINITIONS = (*scope.FUNCTIONS, ast.ClassDef)


def is_large(source: str) -> bool:
    return len(source) >= LARGE_FILE_CHARS


def failure_targets(loss: Loss) -> tuple[scope.Target, ...]:
    """The definitions the failures point at: the file's lines in their tracebacks (innermost first),
    then the suspicious lines; none when a failure is at import time (module level)."""
    x = loss.variable
    if not x.is_python or any(case.message == "collection failure" or case.id == "<test run>"
                              for case in loss.report.failures):
        return ()
    traced = [n for case in loss.report.failures for n in reversed(loss.lines_traced(case))]
    return scope.targets(x.value, traced + [s.number for s in loss.suspicious])


@dataclass(frozen=True)
class Pointed:
    """A line of a target the failures point at; `last`, the last line of the statement it begins (the
    line itself when it begins none, or a statement of one line)."""
    line: int
    last: int
    target: scope.Target


def pointed_lines(loss: Loss) -> tuple[Pointed, ...]:
    """The lines of the targets the failures point at (lines_to_ask)."""
    traced = [n for case in loss.report.failures for n in reversed(loss.lines_traced(case))]
    failing = frozenset(case.id for case in loss.report.failures)
    scores = {n: ochiai(tests, failing) for n, tests in loss.coverage.items()}
    return lines_to_ask(loss.variable.value, traced, scores, failure_targets(loss))


def lines_to_ask(source: str, traced: Sequence[int], scores: dict[int, float],
                 targets: Sequence[scope.Target]) -> tuple[Pointed, ...]:
    """The lines of `targets` in the order to ask for them again: those the tracebacks end in (`traced`,
    innermost first), then the others by suspiciousness (`scores`), of lines alike first those that decide
    (a condition, a comparison, a return: where every test runs every line, that is all there is to go
    by); each followed by the condition that let it run, and a traced line by the `except` clauses that
    let its exception through."""
    tree = syntax_tree(source)
    guards, deciding, ends = guarding_conditions(tree), deciding_lines(tree), statement_ends(tree)
    handlers = enclosing_handlers(tree)
    suspicious = sorted((n for n, score in scores.items() if score > 0),
                        key=lambda n: (-round(scores[n], 2), n not in deciding, n))
    ranked = dict.fromkeys([*(m for n in traced for m in (n, *guards.get(n, ()), *handlers.get(n, ()))),
                            *(m for n in suspicious for m in (n, *guards.get(n, ())))])
    return tuple(Pointed(n, ends.get(n, n), t) for n in ranked for t in targets if t.start < n <= t.end)


def brief(target: scope.Target, line: int) -> scope.Target:
    """The target with its docstring by its first line, for a prompt that asks for line `line` of the file
    after it: what a cloze shows twice (its target without the line, and the answer begun up to it). Its
    `start` moves down by the lines left out, so that every line after the docstring keeps its number."""
    try:
        node = syntax_tree(textwrap.dedent(target.text)).body[0]
    except (SyntaxError, ValueError, IndexError):
        return target
    doc = node.body[0] if ast.get_docstring(node) is not None else None
    if doc is None or doc.end_lineno == doc.lineno or target.start + doc.end_lineno - 1 >= line:
        return target
    lines = scope.python_lines(target.text)
    kept = [f"{text}\n" for text in docstring_line(node, patch.indentation(lines[doc.lineno - 1]))]
    shown = lines[:doc.lineno - 1] + kept + lines[doc.end_lineno:]
    return scope.Target(target.qualname, target.start + len(lines) - len(shown), target.end, "".join(shown))


def statement_ends(tree: ast.Module) -> dict[int, int]:
    """The first line of every statement but a definition, to its last: of a compound statement (`if`,
    `for`, `except`...), the last line of its header."""
    ends = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.excepthandler)) and not isinstance(node, DEFINITIONS):
            ends[node.lineno] = header_end(node) if hasattr(node, "body") else node.end_lineno
    return ends


def header_end(node: ast.stmt | ast.excepthandler) -> int:
    """The last line of a compound statement's header: of the expressions in it."""
    parts = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
    parts += [item.context_expr for item in getattr(node, "items", ())]
    return max([node.lineno, *(part.end_lineno for part in parts)])


def guarding_conditions(tree: ast.Module) -> dict[int, tuple[int]]:
    """The line of each statement in the body (or else branch) of an `if` or `while`, to that condition's line."""
    return {child.lineno: (node.lineno,) for node in ast.walk(tree) if isinstance(node, (ast.If, ast.While))
            for child in (*node.body, *node.orelse)}


def enclosing_handlers(tree: ast.Module) -> dict[int, tuple[int, ...]]:
    """The line of each statement in the body of a `try` (or `try*`), to the lines of its `except` clauses."""
    return {child.lineno: tuple(handler.lineno for handler in node.handlers)
            for node in ast.walk(tree) if getattr(node, "handlers", None) for child in node.body}


def deciding_lines(tree: ast.Module) -> set[int]:
    """The lines of conditions, returns, and comparisons."""
    deciding = (ast.If, ast.While, ast.Assert, ast.Return, ast.Compare)
    return {node.lineno for node in ast.walk(tree) if isinstance(node, deciding)}


def context(loss: Loss) -> str:
    """The stable context of every prompt on a large file with targets (prompts.SCOPED_CONTEXT), else ""."""
    x = loss.variable
    chosen = failure_targets(loss) if is_large(x.value) else ()
    if not chosen:
        return ""
    tests = failing_test_sources(x.root, loss.report.failures)
    return prompts.SCOPED_CONTEXT.substitute(name=x.name, excerpt=file_excerpt(x.value, chosen, tests),
                                             shown=prompts.SHOWN_WITH_TARGETS, tests=tests or "(not found)",
                                             problem=loss.problem_block())


def cloze_context(loss: Loss, left_out: scope.Target) -> str:
    """context(), with the target `left_out` by its signature: for a prompt that shows it itself."""
    x = loss.variable
    tests = failing_test_sources(x.root, loss.report.failures)
    excerpt = file_excerpt(x.value, failure_targets(loss), tests, left_out=left_out)
    return prompts.SCOPED_CONTEXT.substitute(name=x.name, excerpt=excerpt, shown=prompts.SHOWN_BUT_ONE,
                                             tests=tests or "(not found)", problem=loss.problem_block())


def least_chars(source: str) -> int:
    """The least of the file a prompt must hold: all of it, or for a large file its imports and its
    largest definition (a target is read in full)."""
    if not is_large(source):
        return len(source)
    try:
        tree = syntax_tree(source)
    except (SyntaxError, ValueError):
        return len(source)
    lines = scope.python_lines(source)
    units = [segment(lines, node) for _, node in scope.definition_units(tree)]
    imports = [segment(lines, node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return sum(map(len, imports)) + max(map(len, units), default=0)


# -----------------------------------------------------------------------------
# the file


def file_excerpt(source: str, chosen: Sequence[scope.Target], tests: str = "",
                 left_out: scope.Target | None = None) -> str:
    """The file as the model reads it around the targets `chosen` (see the module doc); `left_out`, one of
    them, by its signature only."""
    tree = syntax_tree(source)
    lines = scope.python_lines(source)
    starts = {t.start for t in chosen if t != left_out}
    named = names_in(*(t.text for t in chosen), tests) - {t.name for t in chosen if t != left_out}
    hidden = left_out.start if left_out else 0
    blocks = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            blocks.append(segment(lines, node))
        elif isinstance(node, scope.FUNCTIONS):
            blocks.append(function_view(node, lines, starts, named, ""))
        elif isinstance(node, ast.ClassDef):
            blocks.append(class_view(node, lines, starts, named, hidden))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and scope.bound_names([node]) & named:
            blocks.append(statement(lines, node))
    return joined(block.rstrip("\n") for block in blocks if block)


def class_view(node: ast.ClassDef, lines: list[str], starts: set[int], named: set[str], hidden: int = 0) -> str:
    """A class that owns a target by its header, docstring line, attributes and `__init__` (in full, unless
    that starts at line `hidden`), with its targets and the methods named; a class named, or with members
    named, by its header and those members; any other class left out."""
    methods = [m for m in node.body if isinstance(m, scope.FUNCTIONS)]
    owns_target = any(scope.first_line(m) in starts for m in methods)
    if not owns_target and node.name not in named and not any(m.name in named for m in methods):
        return ""
    indent = "    "
    parts = [header(node, ""), *docstring_line(node, indent)]
    for member in node.body[1 if ast.get_docstring(node) is not None else 0:]:
        if isinstance(member, scope.FUNCTIONS):
            is_init = member.name == "__init__" and owns_target and member.end_lineno - member.lineno < INIT_LINES \
                and scope.first_line(member) != hidden
            parts.append(segment(lines, member) if is_init else function_view(member, lines, starts, named, indent))
        elif isinstance(member, ast.ClassDef):
            parts.append(outline(member, indent) if member.name in named else "")
        elif owns_target or scope.bound_names([member]) & named:
            parts.append(statement(lines, member))
    parts = [part.rstrip("\n") for part in parts if part]
    return joined(parts) if len(parts) > 1 else outline(node, "")


def function_view(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], starts: set[int],
                  named: set[str], indent: str) -> str:
    """A target in full, a named definition by its signature and docstring line, any other left out."""
    if scope.first_line(node) in starts:
        return segment(lines, node)
    if node.name in named:
        decorators = [f"{indent}@{ast.unparse(d)}" for d in node.decorator_list]
        return "\n".join([*decorators, header(node, indent), *docstring_line(node, indent + "    "), f"{indent}    ..."])
    return ""


def header(node: ast.stmt, indent: str) -> str:
    """`def name(args) -> returns:` or `class Name(bases):`, on one line."""
    if isinstance(node, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in (*node.bases, *node.keywords))
        return f"{indent}class {node.name}{f'({bases})' if bases else ''}:"
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    keyword = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    return f"{indent}{keyword} {node.name}({ast.unparse(node.args)}){returns}:"


def outline(node: ast.stmt, indent: str) -> str:
    return f"{header(node, indent)} ..."


def docstring_line(node: ast.stmt, indent: str) -> list[str]:
    doc = ast.get_docstring(node)
    first = doc.strip().splitlines()[0] if doc and doc.strip() else ""
    return [f'{indent}"""{first}"""'] if first else []


def statement(lines: list[str], node: ast.stmt) -> str:
    """A statement as it is, or a long one by its first line."""
    text = segment(lines, node)
    return text if text.count("\n") <= STATEMENT_LINES else f"{text.splitlines()[0]} ..."


def segment(lines: list[str], node: ast.stmt) -> str:
    return "".join(lines[scope.first_line(node) - 1 : node.end_lineno])


def names_in(*sources: str) -> set[str]:
    """The names and attribute names some code uses (`f(x)`, `self.g`): what it may need to see defined.
    Of code that does not parse (a test cut at TEST_LINES), every identifier."""
    found = set()
    for source in sources:
        try:
            tree = syntax_tree(scope.INDENTED_REPLY_WRAPPER + source if source[:1] in " \t" else source)
        except (SyntaxError, ValueError):
            found |= set(IDENTIFIER.findall(source))
            continue
        found |= {n.id if isinstance(n, ast.Name) else n.attr
                  for n in ast.walk(tree) if isinstance(n, (ast.Name, ast.Attribute))}
    return found


def joined(blocks: Iterable[str]) -> str:
    """Blocks one after the other: one-line outlines together, a blank line around anything longer."""
    out, last = "", ""
    for block in blocks:
        if out:
            out += "\n" if "\n" not in block and "\n" not in last else "\n\n"
        out, last = out + block, block
    return out


# -----------------------------------------------------------------------------
# the failing tests


def failing_test_sources(root: Path, failures: Sequence[TestCase]) -> str:
    """The source of the first MAX_TESTS_SHOWN failing test functions found in the project's test files."""
    found = (test_source(root, case.id) for case in failures)
    return "\n\n".join(list(dict.fromkeys(text for text in found if text))[:MAX_TESTS_SHOWN])


def test_source(root: Path, test_id: str) -> str:
    """A test function's source from its JUnit id ("tests.test_calc.TestAdd.test_int[1]"), with its class
    line if it is a method; "" when it is not in a test file under root."""
    parts = TEST_ID_PARAMETERS.sub("", test_id).split(".")
    for split in range(len(parts) - 1, 0, -1):
        path = root.joinpath(*parts[:split]).with_suffix(".py")
        if path.is_file():
            return definition_source(path, parts[split:], path.relative_to(root).as_posix())
    return ""


def definition_source(path: Path, names: list[str], label: str) -> str:
    """The function at `names` (["TestAdd", "test_int"]) in the file, labelled with its path. A method
    that the class inherits from a base class in the file (a unittest mixin) comes after the class's
    header and attributes, under its own class's header."""
    try:
        source = path.read_text()
        body = syntax_tree(source).body
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return ""
    lines, classes = scope.python_lines(source), {n.name: n for n in body if isinstance(n, ast.ClassDef)}
    named = owner = node = None
    for name in names:
        found = _member(owner, body, name, classes)
        if found is None:
            return ""
        owner, node = found
        if isinstance(node, ast.ClassDef):
            named = owner = node
            body = node.body
    if not isinstance(node, scope.FUNCTIONS):
        return ""
    text = "".join(segment(lines, node).splitlines(keepends=True)[:TEST_LINES]).rstrip("\n")
    shown = [header(named, "")] if named else []
    if owner is not named:
        shown += [statement(lines, n).rstrip("\n") for n in named.body if isinstance(n, (ast.Assign, ast.AnnAssign))]
        shown.append(header(owner, ""))
    return "\n".join([f"# {label}", *shown, text])


def _member(owner: ast.ClassDef | None, body: list[ast.stmt], name: str, classes: dict[str, ast.ClassDef],
            seen: frozenset[str] = frozenset()) -> tuple[ast.ClassDef | None, ast.stmt] | None:
    """The definition `name` in `body` (owner's, or the module's when None) with the class that holds it:
    owner, or the first of its base classes in the file (depth first, as Python looks) that has it."""
    node = next((n for n in body if isinstance(n, (*scope.FUNCTIONS, ast.ClassDef)) and n.name == name), None)
    if node is not None:
        return owner, node
    for base in owner.bases if owner else ():
        parent = classes.get(base.id) if isinstance(base, ast.Name) else None
        if parent is not None and parent.name not in seen:
            found = _member(parent, parent.body, name, classes, seen | {owner.name})
            if found:
                return found
    return None
