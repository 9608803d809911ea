"""Function-scoped edits: the editor returns only the definitions the failing tests execute.

`targets` picks the units to ask for: top-level functions and methods of top-level classes
(a nested function belongs to the unit around it), decorators included. `splice` puts the
definitions of a reply back in place of exactly those line spans, so every other byte of the
file stays as it was.

What a reply may contain, top level or inside a `class X:` wrapper for methods:
- the definitions asked for (a method bare, at any indentation, or inside its class line);
- code the file already has, unchanged (AST-equal): ignored, so a whole-file reply works;
- a definition whose body is only `...` (after its docstring): the outline of a large file's
  excerpt (tgfix.excerpt) echoed back, ignored;
- new functions next to a definition asked for: inserted beside it, at its level (a new
  function next to a bare method becomes a method of the same class);
- a changed definition of the file that was not asked for: it replaces that one too, for the
  model may see the bug where localization did not point (the tests judge the change).
Anything else raises PatchError: new module-level code, new classes, a class where a function
was asked for.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from typing import Iterable, Sequence

from tgfix.patch import PatchError
from tgfix.source import FUNCTIONS, bound_names, parses, syntax_tree

__all__ = ["Target", "targets", "splice", "answer_start", "answer_text", "ANSWER_STOPS"]

# Python ends a line at "\r\n", "\r" or "\n"; ast line numbers count lines that way.
LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
INDENTED_REPLY_WRAPPER = "if True:\n"  # parses a reply of bare, indented methods as they are
BLANK_LINES_BETWEEN = {True: 1, False: 2}  # keyed by "is a method", as PEP 8 spaces them


@dataclass(frozen=True)
class Target:
    """A definition the editor is asked to return: lines start..end (1-based, inclusive) of the file."""

    qualname: str   # "mean" or "Stack.push"
    start: int      # its first decorator's line, else its def line
    end: int
    text: str       # those lines, line endings included

    @property
    def owner(self) -> str | None:
        """The class of a method, None for a function."""
        return self.qualname.rpartition(".")[0] or None

    @property
    def name(self) -> str:
        return self.qualname.rpartition(".")[2]

    @property
    def label(self) -> str:
        """How the prompt names it, e.g. "`Stack.push` (lines 12-20)"."""
        return f"`{self.qualname}` (lines {self.start}-{self.end})"


def targets(source: str, lines: Iterable[int], max_targets: int = 3) -> tuple[Target, ...]:
    """The units containing `lines`, in the order the lines first hit them, at most max_targets names.

    Lines at module level or in a class body outside its methods hit nothing; a file that does not
    parse has no targets. A name defined twice (a property's getter and setter) gives one Target each.
    """
    try:
        units = list(definition_units(syntax_tree(source)))
    except (SyntaxError, ValueError):
        return ()
    chosen = []
    for line in lines:
        hit = next((qualname for qualname, node in units if first_line(node) <= line <= node.end_lineno), None)
        if hit and hit not in chosen:
            chosen.append(hit)
        if len(chosen) == max_targets:
            break
    source_lines = python_lines(source)
    return tuple(make_target(qualname, first_line(node), node.end_lineno, source_lines) for wanted in chosen
                 for qualname, node in units if qualname == wanted)


def splice(source: str, reply_code: str, allowed: Sequence[Target]) -> str:
    """`source` with the reply's definitions of `allowed` targets in place of theirs; see the module doc."""
    tree = parse(source, "the file")
    lines = python_lines(source)
    if any(make_target(t.qualname, t.start, t.end, lines) != t for t in allowed):
        raise PatchError("the targets do not come from this version of the file")
    reply = parse_reply(reply_code)
    units = list(definition_units(tree))
    others = [make_target(name, first_line(node), node.end_lineno, lines) for name, node in units]
    replacements = Assembler(tree, reply, allowed, [t for t in others if t not in allowed]).replacements()
    originals = {first_line(node): node for _, node in units}
    for target in sorted(replacements, key=lambda t: t.start, reverse=True):
        lines[target.start - 1 : target.end] = [replacement_text(target, originals[target.start], replacements[target],
                                                                 reply.lines)]
    spliced = "".join(lines)
    parse(spliced, "the file with the reply's definitions")
    return spliced


# -----------------------------------------------------------------------------
# the file


def python_lines(text: str) -> list[str]:
    """Lines with their endings, split where Python splits them (unlike str.splitlines)."""
    return [line for line in LINE_END.split(text) if line]


def definition_units(tree: ast.Module) -> Iterable[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in tree.body:
        if isinstance(node, FUNCTIONS):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            yield from ((f"{node.name}.{m.name}", m) for m in node.body if isinstance(m, FUNCTIONS))


def parse(source: str, what: str) -> ast.Module:
    try:
        return syntax_tree(source)
    except (SyntaxError, ValueError) as error:
        raise PatchError(f"{what} does not parse: {error}") from None


def is_outline(node: ast.stmt) -> bool:
    """A function that is only its signature: `def f(x): ...`, or its docstring (then `...` or nothing)."""
    if not isinstance(node, FUNCTIONS):
        return False
    body = node.body[1:] if ast.get_docstring(node, clean=False) is not None else node.body
    return not body or len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
        and body[0].value.value is Ellipsis


def first_line(node: ast.stmt) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def make_target(qualname: str, start: int, end: int, source_lines: list[str]) -> Target:
    return Target(qualname, start, end, "".join(source_lines[start - 1 : end]))


# -----------------------------------------------------------------------------
# an answer begun for the model (the embedded one continues an assistant message)

# The end of the answer's block, or the start of an outline line the model echoes from the excerpt
# (large case 54: after its target, the whole outline, 1,100 tokens, 150 s of generation on 2 cores).
ANSWER_STOPS = ("\n```", ": ...\n", "\n    ...\n", "\n        ...\n")
DEFINITION_LINE = re.compile(r"[ \t]*(@|def |async def |class )")


def answer_start(target: Target, upto: int | None = None) -> str:
    """An answer's first lines: the fence and the target's decorators and signature (inside its class line
    for a method), which the model continues; with `upto` (a line of the file in the target's body) the
    target's lines before it too. "" for a definition whose body starts on its `def` line."""
    try:
        node = syntax_tree(textwrap.dedent(target.text)).body[0]
    except (SyntaxError, ValueError, IndexError):
        return ""
    lines, header = python_lines(target.text), node.body[0].lineno - 1
    if not header:
        return ""
    begun = max(header, (upto or 0) - target.start)
    return "```python\n" + (f"class {target.owner}:\n" if target.owner else "") + "".join(lines[:begun])


def answer_text(start: str, continuation: str) -> str:
    """The begun answer whole: its start and the model's continuation, cut back to its last complete
    definition when generation stopped inside one (at an echoed outline line, or at max_tokens), fenced."""
    code = python_lines(start.removeprefix("```python\n") + continuation.split("\n```")[0])
    while code and not parses("".join(code)):
        heads = [n for n, line in enumerate(code) if DEFINITION_LINE.match(line)]
        if not heads or heads[-1] == 0:
            break
        code = code[:heads[-1]]
    return "```python\n" + "".join(code).rstrip("\n") + "\n```\n"


# -----------------------------------------------------------------------------
# the reply


@dataclass(frozen=True)
class ReplyCode:
    lines: list[str]        # the parsed text's lines, so that node line numbers index it
    body: list[ast.stmt]
    wrapped: bool           # INDENTED_REPLY_WRAPPER went first, one line above the reply's own


def parse_reply(code: str) -> ReplyCode:
    code_lines = [line for line in python_lines(code) if line.strip() and not line.lstrip().startswith("#")]
    wrapped = bool(code_lines) and code_lines[0][0] in " \t"
    text = INDENTED_REPLY_WRAPPER + code if wrapped else code
    try:
        tree = syntax_tree(text)
    except SyntaxError as error:
        line = (error.lineno or 1) - wrapped
        raise PatchError(f"reply is not valid Python: line {line}: {error.msg}") from None
    except ValueError as error:
        raise PatchError(f"reply is not valid Python: {error}") from None
    body = tree.body[0].body + tree.body[1:] if wrapped else tree.body
    return ReplyCode(python_lines(text), body, wrapped)


@dataclass
class Replacement:
    """What replaces one target: its new definition with the new functions that go before and after it."""

    definition: ast.stmt
    before: list[ast.stmt]
    after: list[ast.stmt]


class Assembler:
    """Matches the reply's statements to the allowed targets and sorts out everything else."""

    def __init__(self, tree: ast.Module, reply: ReplyCode, allowed: Sequence[Target], others: Sequence[Target]):
        self.module = tree.body
        self.classes = {node.name: node.body for node in tree.body if isinstance(node, ast.ClassDef)}
        self.reply = reply
        self.allowed = allowed
        self.others = others  # the file's other definitions: a reply may change them too
        self.found: dict[Target, Replacement] = {}

    def replacements(self) -> dict[Target, Replacement]:
        self.take(self.reply.body, owner=None)
        if not self.found:
            wanted = ", ".join(t.qualname for t in self.allowed)
            raise PatchError(f"the reply defines none of the functions asked for ({wanted})")
        return self.found

    def take(self, statements: list[ast.stmt], owner: str | None) -> None:
        """One container's statements: the reply's top level (owner None) or a `class owner:` wrapper."""
        anchor, pending = None, []  # a new function goes after the target before it, else before the next one
        for node in statements:
            if is_outline(node):
                continue
            if isinstance(node, ast.ClassDef) and owner is None and self.owns_targets(node.name):
                self.take(node.body, node.name)
            elif isinstance(node, (*FUNCTIONS, ast.ClassDef)) and (
                    target := self.target_for(node, owner) or self.changed_other(node, anchor, owner)):
                anchor = target
                self.found[target] = Replacement(node, [], [])
                for helper in pending:
                    self.add_helper(helper, target, owner, self.found[target].before)
                pending = []
            elif isinstance(node, FUNCTIONS) and anchor:
                self.add_helper(node, anchor, owner, self.found[anchor].after)
            elif isinstance(node, FUNCTIONS) and self.is_new(node, self.namespace(None, owner)):
                pending.append(node)
            else:
                self.check_unchanged(node, self.namespace(None, owner))
        if pending:
            raise PatchError(f"new function `{pending[0].name}` is not next to a definition asked for")

    def add_helper(self, node: ast.stmt, anchor: Target, owner: str | None, where: list[ast.stmt]) -> None:
        """A function beside a target: new, it joins the target's module or class; else it must be unchanged."""
        namespace = self.namespace(anchor, owner)
        if self.is_new(node, namespace):
            where.append(node)
        else:
            self.check_unchanged(node, namespace)

    def owns_targets(self, class_name: str) -> bool:
        return any(t.owner == class_name for t in (*self.allowed, *self.others))

    def changed_other(self, node: ast.stmt, anchor: Target | None, owner: str | None) -> Target | None:
        """The definition of the file, not asked for, that a changed function of the reply replaces."""
        if not isinstance(node, FUNCTIONS):
            return None
        qualname = self.namespace(anchor, owner)[0] + node.name
        same_name = [t for t in self.others if t.qualname == qualname]
        if any(ast.dump(self.original(t)) == ast.dump(node) for t in same_name):
            return None  # one the file has as it is: a property's getter, say, beside its changed setter
        free = [t for t in same_name if t not in self.found]
        return self.pick(node, free) if free else None

    def target_for(self, node: ast.stmt, owner: str | None) -> Target | None:
        if owner:
            candidates = [t for t in self.allowed if t.qualname == f"{owner}.{node.name}"]
        else:
            candidates = ([t for t in self.allowed if t.qualname == node.name]
                          or [t for t in self.allowed if t.owner and t.name == node.name])
        if not candidates:
            return None
        if isinstance(node, ast.ClassDef):
            raise PatchError(f"the reply defines `{node.name}` as a class, a function was asked for")
        if len({t.qualname for t in candidates}) > 1:
            owners = " or ".join(t.qualname for t in candidates)
            raise PatchError(f"bare method `{node.name}` is ambiguous ({owners}): write it inside its class")
        return self.pick(node, [t for t in candidates if t not in self.found])

    def pick(self, node: ast.stmt, free: list[Target]) -> Target:
        """The target a definition replaces: the next free one of that name, the one with the same
        decorators when the name is defined several times (a property's getter and setter)."""
        if not free:
            raise PatchError(f"the reply defines `{node.name}` more times than the file does")
        same_decorators = [t for t in free if decorators(self.original(t)) == decorators(node)]
        return same_decorators[0] if len(free) > 1 and len(same_decorators) == 1 else free[0]

    def original(self, target: Target) -> ast.stmt:
        body = self.classes[target.owner] if target.owner else self.module
        return next(n for n in body if isinstance(n, FUNCTIONS) and first_line(n) == target.start)

    def namespace(self, anchor: Target | None, owner: str | None) -> tuple[str, list[ast.stmt]]:
        """(prefix of qualified names, original body) of the class or module a statement belongs to."""
        owner = owner or (anchor.owner if anchor else None)
        return (f"{owner}.", self.classes[owner]) if owner else ("", self.module)

    def is_new(self, node: ast.stmt, namespace: tuple[str, list[ast.stmt]]) -> bool:
        return node.name not in bound_names(namespace[1]) and node.name not in self.placed_names()

    def placed_names(self) -> set[str]:
        return {n.name for b in self.found.values() for n in (b.definition, *b.before, *b.after)}

    def check_unchanged(self, node: ast.stmt, namespace: tuple[str, list[ast.stmt]]) -> None:
        prefix, body = namespace
        if ast.dump(node) in {ast.dump(original) for original in body}:
            return
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            if node.name in bound_names(body):
                raise PatchError(f"the reply changes `{prefix}{node.name}`, which was not asked for")
            raise PatchError(f"the reply adds class `{prefix}{node.name}`; only functions may be added")
        where = f"class `{prefix[:-1]}`" if prefix else "module-level code"
        line = node.lineno - self.reply.wrapped
        raise PatchError(f"the reply changes {where} (reply line {line}); only the definitions asked for may change")


def decorators(node: ast.stmt) -> list[str]:
    return [ast.dump(d) for d in node.decorator_list]


# -----------------------------------------------------------------------------
# writing a replacement in the file's own style


def replacement_text(target: Target, original: ast.stmt, replacement: Replacement, reply_lines: list[str]) -> str:
    """The replacement's text at the target's indentation, with the target's line ending, ending as it ends."""
    if ast.dump(replacement.definition) == ast.dump(original) and not replacement.before and not replacement.after:
        return target.text  # unchanged but for formatting or comments: keep its exact bytes
    newline = line_ending(target.text)
    file_indent, file_unit = indentation_of(original, python_lines(target.text), target.start)
    separator = newline * BLANK_LINES_BETWEEN[target.owner is not None]
    parts = [reindented(node, reply_lines, file_indent, file_unit, newline)
             for node in (*replacement.before, replacement.definition, *replacement.after)]
    text = (newline + separator).join(part.rstrip("\r\n") for part in parts)
    return text + newline if target.text.endswith(("\n", "\r")) else text


def line_ending(text: str) -> str:
    first = python_lines(text)[0]
    return first[len(first.rstrip("\r\n")):] or "\n"


def indentation_of(node: ast.stmt, lines: list[str], first: int) -> tuple[str, str | None]:
    """(indentation of the definition, one level of its body's indentation, None if unknown),
    where `lines` hold the text from line number `first` on."""
    own = leading_space(lines[first_line(node) - first])
    body = leading_space(lines[node.body[0].lineno - first])
    unit = body[len(own):] if node.body[0].lineno > node.lineno and body.startswith(own) else None
    return own, unit or None


def leading_space(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def reindented(node: ast.stmt, reply_lines: list[str], to_indent: str, to_unit: str | None, newline: str) -> str:
    lines = reply_lines[first_line(node) - 1 : node.end_lineno]
    from_indent, from_unit = indentation_of(node, reply_lines, 1)
    convert_unit = from_unit and to_unit and from_unit != to_unit
    out = []
    for line in lines:
        content = line.rstrip("\r\n")
        if not content.strip():
            content = ""
        elif content.startswith(from_indent):
            rest = content[len(from_indent):]
            if convert_unit:
                levels = len(rest) - len(rest.lstrip(" \t"))
                depth = len(re.match(f"(?:{re.escape(from_unit)})*", rest[:levels])[0]) // len(from_unit)
                rest = to_unit * depth + rest[depth * len(from_unit):]
            content = to_indent + rest
        out.append(content + newline)
    return "".join(out)
