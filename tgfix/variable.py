"""The variable being optimized: one source file, its role, its gradient and the memory of attempts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tgfix.gradient import Gradient


ROOT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", "pytest.ini", "tox.ini")


def project_root(path: Path) -> Path:
    """The nearest folder above path that looks like a project root, else path's folder."""
    for folder in path.parents:
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return path.parent


@dataclass(frozen=True)
class Attempt:
    """A step this run tried: the change in brief and the outcome it got."""

    diff: str
    outcome: str
    accepted: bool


@dataclass(eq=False)
class Variable:
    value: str
    role: str
    path: Path   # absolute
    root: Path   # project root the tests run from
    grad: Gradient | None = None
    memory: list[Attempt] = field(default_factory=list)

    @classmethod
    def from_file(cls, path: str | Path, role: str | None = None, root: str | Path | None = None) -> "Variable":
        path = Path(path).resolve()
        return cls(value=path.read_text(), role=role or f"the Python module {path.name}",
                   path=path, root=Path(root).resolve() if root else project_root(path))

    @property
    def name(self) -> str:
        """The path relative to the project root, as tests and diffs see it."""
        return self.path.relative_to(self.root).as_posix()

    def numbered(self) -> str:
        return "\n".join(f"{n:4d}| {line}" for n, line in enumerate(self.value.splitlines(), 1))

    def zero_grad(self) -> None:
        self.grad = None
