"""What a Python source defines: the names a module or class body binds, the names a module offers
others, and the functions a change touches; and a model's code with the indentation it lost put back."""

from __future__ import annotations

import ast
import re
import threading

from tgfix.patch import changed_lines, indentation

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
OUTSIDE_A_FUNCTION_NEVER = re.compile(r"(return|yield)\b")  # a statement no module's top level can hold
# CPython 3.11 counts the depth of every AST it builds in one interpreter-wide counter, so two
# threads parsing at once can fail with "SystemError: AST constructor recursion depth mismatch"
# (candidates are validated in threads): tgfix parses one source at a time.
_PARSING = threading.Lock()


def syntax_tree(source: str | bytes) -> ast.Module:
    """ast.parse, one thread at a time."""
    with _PARSING:
        return ast.parse(source)


def bound_names(body: list[ast.stmt]) -> set[str]:
    """The names the statements of a module or class body define directly."""
    names = set()
    for node in body:
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets_ = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets_ for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def defined_names(source: str) -> set[str]:
    """What a module defines that others may use: its functions, classes, methods (Class.method)
    and public module-level names."""
    names = set()
    for node in syntax_tree(source).body:
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names |= {f"{node.name}.{item.name}" for item in node.body if isinstance(item, (*FUNCTIONS, ast.ClassDef))}
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name) and not t.id.startswith("_")}
    return names


def describe_change(diff_text: str, new_source: str, verb: str = "edit") -> str:
    """A few words for a commit subject: the functions a diff touches, e.g. 'edit median(), mean()'."""
    try:
        tree = syntax_tree(new_source)
    except SyntaxError:
        return ""
    lines = changed_lines(diff_text)
    functions = [node for node in ast.walk(tree) if isinstance(node, FUNCTIONS)]
    touched = sorted({f.name for f in functions for n in lines if f.lineno <= n <= (f.end_lineno or f.lineno)})
    return f"{verb} {', '.join(name + '()' for name in touched)}" if touched else ""


def with_lost_indentation_restored(code: str) -> str:
    """The embedded model sometimes writes the first line after a blank line inside a block at column 0
    ("\\n\\nmid = len(nums) // 2" for "\\n\\n    mid = ...": in the polish benchmark, every answer to
    one problem for three iterations). Such a line is followed by a deeper one, which no valid line
    at column 0 but a block's header or an open bracket is: give it the depth of the block around it.
    A function's last `return` so written (nothing deeper follows) gets the depth of the function's body.
    Only when that makes the code compile; otherwise the code as it was."""
    if parses(code):
        return code
    lines = code.split("\n")
    for n in range(1, len(lines)):
        line, following = lines[n], next((l for l in lines[n + 1:] if l.strip()), "")
        if lines[n - 1].strip() or not line.strip() or line[0].isspace() or _continues(line):
            continue
        if following[:1].isspace():
            depth = indentation(following)
            if line.rstrip().endswith(":"):  # a header: its body is one level deeper than it
                depth = depth[:-1] if depth.endswith("\t") else depth[:-4]
        elif OUTSIDE_A_FUNCTION_NEVER.match(line):
            depth = _body_depth(lines[:n])
        else:
            continue
        lines[n] = depth + line
    restored = "\n".join(lines)
    return restored if parses(restored) else code


def _body_depth(lines: list[str]) -> str:
    """The indentation of the body of the last function the lines begin (none: "")."""
    heads = [n for n, line in enumerate(lines) if re.match(r"(async\s+)?def\s", line)]
    body = next((line for line in lines[heads[-1] + 1:] if line.strip()), "") if heads else ""
    return indentation(body)


def _continues(line: str) -> bool:
    """The statement goes on on the next line: an open bracket or a backslash."""
    code = re.sub(r"#.*", "", line).rstrip()
    return code.endswith("\\") or sum(code.count(c) for c in "([{") > sum(code.count(c) for c in ")]}")


def parses(code: str) -> bool:
    """Whether code compiles: it parses, and has no `return` outside a function (which ast.parse takes)."""
    try:
        compile(code, "<answer>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True
