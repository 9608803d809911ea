"""The variable being optimized: one source file, its role, its gradient and the memory of attempts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tgfix.errors import UsageError
from tgfix.memory import Memory

ROOT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", "pytest.ini", "tox.ini")


def project_root(path: Path) -> Path:
    """The nearest folder above path that looks like a project root, else path's folder."""
    for folder in path.parents:
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return path.parent


def read_text(path: Path) -> str:
    """A source file's text; a binary or non-UTF-8 file is a usage error, not a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"{path} is not UTF-8 text (byte {error.start}): tgfix repairs text files") from None
    if "\x00" in text:
        raise UsageError(f"{path} is a binary file: tgfix repairs text files")
    return text


@dataclass(eq=False)
class Variable:
    value: str
    role: str
    path: Path   # absolute
    root: Path   # project root the tests run from
    grad: str | None = None  # the textual gradient: a critique, as micrograd's grad is a number
    memory: Memory = field(default_factory=Memory)

    @classmethod
    def from_file(cls, path: str | Path, role: str | None = None, root: str | Path | None = None) -> "Variable":
        path = Path(path).resolve()
        return cls(value=read_text(path), role=role or f"the source file {path.name}",
                   path=path, root=Path(root).resolve() if root else project_root(path))

    @property
    def name(self) -> str:
        """The path relative to the project root, as tests and diffs see it."""
        return self.path.relative_to(self.root).as_posix()

    @property
    def is_python(self) -> bool:
        return self.path.suffix == ".py"

    def numbered(self) -> str:
        return "\n".join(f"{n:4d}| {line}" for n, line in enumerate(self.value.splitlines(), 1))

    def zero_grad(self) -> None:
        self.grad = None
