"""The layout shows the algorithm: imports run one way, from the application edge down to the engine.

Every module has a layer, and every import (at run time) goes to its own layer or a lower one:
commands -> session -> loop -> optimizer/gradient -> loss -> runner -> sandbox, with the
application edge (the command line, the settings, the output, the embedded runtime) above the
engine. So the engine runs without the CLI, and a module that imports upward fails here.
"""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tgfix"

# Top down; a package's name stands for its modules too (tgfix.commands: tgfix.commands.solve, ...).
LAYERS = (
    ("tgfix",),                     # the library's entry (itself only): re-exports the engine, lazily
    ("tgfix.cli",),
    ("tgfix.commands",),
    ("tgfix.session",),
    # the application edge's services: settings, output, the report page, the embedded runtime, git
    ("tgfix.config", "tgfix.console", "tgfix.report", "tgfix.page", "tgfix.curve", "tgfix.local",
     "tgfix.git", "tgfix.lock"),
    # the engine
    ("tgfix.loop",),
    ("tgfix.optimizer", "tgfix.gradient"),
    ("tgfix.excerpt",),             # what of a large file the model reads: both of the above use it
    ("tgfix.loss", "tgfix.llm"),
    ("tgfix.hidden", "tgfix.variable", "tgfix.memory", "tgfix.scope", "tgfix.budget", "tgfix.localize"),
    ("tgfix.runner",),
    ("tgfix.interpreter",),
    ("tgfix.sandbox",),
    # what every layer may use: no tgfix imports of their own (the plugin and the init run in the sandbox)
    ("tgfix.errors", "tgfix.files", "tgfix.prompts", "tgfix.patch", "tgfix.source", "tgfix.formatting",
     "tgfix.pytest_plugin", "tgfix.line_sampler", "tgfix.sandbox_init"),
)
EDGE = ("tgfix.cli", "tgfix.commands", "tgfix.session", "tgfix.config", "tgfix.console", "tgfix.local",
        "tgfix.page", "tgfix.report")
ENGINE_ROOT = "tgfix.loop"
# Arrows from the engine to the edge allowed for now, each with its reason (none left: the embedded
# model registers itself as an LLM backend, llm.register_backend)
ALLOWED: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """The tgfix modules a module imports when it runs, lazy imports in functions included
    (not those under `if TYPE_CHECKING:`, which exist for annotations only)."""
    tree = ast.parse(path.read_text())
    typing_only = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and ast.unparse(node.test) == "TYPE_CHECKING" for inner in ast.walk(node)}
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known}
    return found


def import_graph() -> dict[str, set[str]]:
    """Each tgfix module -> the tgfix modules it imports at run time."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: imports(path, set(paths)) - {name} for name, path in paths.items()}
    # A package's __init__ re-exports its modules; its modules importing the package is the same edge.
    return {name: {dep for dep in deps if not name.startswith(dep + ".")} for name, deps in graph.items()}


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer(module: str) -> int:
    """Its layer's number, counted from the top; the innermost named package decides."""
    named = [(len(name), number) for number, names in enumerate(LAYERS) for name in names
             if module == name or name != "tgfix" and within(module, name)]
    assert named, f"{module} has no layer: add it to LAYERS in tests/test_layout.py"
    return max(named)[1]


def is_edge(module: str) -> bool:
    return any(within(module, name) for name in EDGE)


def engine_modules(graph: dict[str, set[str]]) -> set[str]:
    """The loop and every module of the engine it imports, directly or not (not through the edge)."""
    seen, todo = set(), [ENGINE_ROOT]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += [dep for dep in graph[module] if not is_edge(dep)]
    return seen


def test_no_import_cycle_among_tgfix_modules():
    try:
        list(TopologicalSorter(import_graph()).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_every_import_goes_down_the_layers():
    graph = import_graph()
    upward = sorted(f"{module} -> {dep}" for module, deps in graph.items() for dep in deps
                    if layer(dep) < layer(module) and (module, dep) not in ALLOWED)
    assert not upward, "imports that run back up the layers:\n" + "\n".join(upward)


def test_the_engine_imports_nothing_of_the_application_edge():
    graph = import_graph()
    engine = engine_modules(graph)
    edge = sorted(f"{module} -> {dep}" for module in engine for dep in graph[module]
                  if is_edge(dep) and (module, dep) not in ALLOWED)
    assert not edge, "engine modules that import the application edge:\n" + "\n".join(edge)
    assert {"tgfix.optimizer", "tgfix.gradient", "tgfix.loss", "tgfix.runner", "tgfix.sandbox"} <= engine


def test_every_module_has_a_layer_and_every_layer_modules():
    modules = set(import_graph())
    for module in modules:
        layer(module)
    assert [name for names in LAYERS for name in names if name not in modules] == []
    assert {dep for module, dep in ALLOWED} | {module for module, dep in ALLOWED} <= modules


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


def test_the_engine_parses_python_through_the_one_locked_parse():
    """Candidates are validated in threads, and CPython 3.11's ast.parse fails when two threads parse at
    once (SystemError: AST constructor recursion depth mismatch): tgfix.source.syntax_tree holds a lock.
    The pytest plugin runs in the test subprocess, in one thread."""
    calls = {path.name for path in PACKAGE.rglob("*.py") for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "parse"
             and isinstance(node.func.value, ast.Name) and node.func.value.id == "ast"}
    assert calls == {"source.py", "pytest_plugin.py"}
