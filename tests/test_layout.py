"""The layout shows the algorithm: imports run one way, from the commands down to the engine."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tgfix"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """The tgfix modules a module imports when it runs, lazy imports in functions included
    (not those under `if TYPE_CHECKING:`, which exist for annotations only)."""
    tree = ast.parse(path.read_text())
    typing_only = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and ast.unparse(node.test) == "TYPE_CHECKING" for inner in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known}
    return found


def test_no_import_cycle_among_tgfix_modules():
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: imports(path, set(paths)) - {name} for name, path in paths.items()}
    # A package's __init__ re-exports its modules; its modules importing the package is the same edge.
    graph = {name: {dep for dep in deps if not name.startswith(dep + ".")} for name, deps in graph.items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None
    # gradient and optimizer import neither the other: the sort may put either first
    layers = [["tgfix.variable"], ["tgfix.loss"], ["tgfix.gradient", "tgfix.optimizer"], ["tgfix.loop"],
              ["tgfix.commands.solve"], ["tgfix.cli"]]
    assert all(order.index(low) < order.index(high)
               for lower, higher in zip(layers, layers[1:]) for low in lower for high in higher)


def test_readme_exit_codes_are_the_exit_table():
    from tgfix.errors import Exit

    readme = (PACKAGE.parent / "README.md").read_text()
    rows = "| code | meaning |\n|---|---|\n" + "".join(f"| {int(e)} | {e.description} |\n" for e in Exit)
    assert rows in readme


def test_no_two_tgfix_classes_share_a_name():
    """A name means one thing: llm.Reply is a model's answer, so the code parsed from it is another name."""
    defined = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                defined.setdefault(node.name, []).append(module_name(path))
    assert {name: modules for name, modules in defined.items() if len(modules) > 1} == {}


def test_every_public_function_and_class_of_tgfix_has_a_user():
    """No dead code: each is called or named by tgfix, its benchmark or its tests (pytest calls its hooks)."""
    root = PACKAGE.parent
    paths = [p for folder in ("tgfix", "bench", "tests") for p in (root / folder).rglob("*.py")
             if "cases" not in p.relative_to(root).parts]
    defined, used = {}, set()
    for path in paths:
        tree = ast.parse(path.read_text())
        if path.is_relative_to(PACKAGE):
            defined |= {node.name: module_name(path) for node in tree.body
                        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                        and not node.name.startswith(("_", "pytest_")) and not node.decorator_list}
        used |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert {name: module for name, module in defined.items() if name not in used} == {}
