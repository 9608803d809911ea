"""What a Python source defines: the names a module or class body binds, the names a module offers
others, and the functions a change touches."""

from __future__ import annotations

import ast

from tgfix.patch import changed_lines

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


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
    for node in ast.parse(source).body:
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
        tree = ast.parse(new_source)
    except SyntaxError:
        return ""
    lines = changed_lines(diff_text)
    functions = [node for node in ast.walk(tree) if isinstance(node, FUNCTIONS)]
    touched = sorted({f.name for f in functions for n in lines if f.lineno <= n <= (f.end_lineno or f.lineno)})
    return f"{verb} {', '.join(name + '()' for name in touched)}" if touched else ""
