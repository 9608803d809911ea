"""The variable being optimized: one source file, its role, its gradient and the memory of attempts."""

from __future__ import annotations

import codecs
import io
import tokenize
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


@dataclass(frozen=True)
class FileForm:
    """How a text file is written on disk; tgfix works on its text with "\n" line endings."""

    encoding: str = "utf-8"  # a Python file's PEP 263 declaration or BOM, else UTF-8 (with its BOM, if any)
    newline: str = "\n"      # the line ending most of its lines have

    def encoded(self, text: str) -> bytes:
        """text as this file holds it: its line endings and its encoding."""
        return _with_lf(text).replace("\n", self.newline).encode(self.encoding)


def read_source(path: Path) -> tuple[str, FileForm]:
    """A source file's text (with "\n" line endings) and form; a binary file, or one its encoding cannot
    decode, is a usage error, not a traceback."""
    data = path.read_bytes()
    encoding = _encoding(path, data)
    try:
        raw = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UsageError(f"{path} is not {encoding.upper().removesuffix('-SIG')} text (byte {error.start}): "
                         "tgfix repairs text files") from None
    if "\x00" in raw:
        raise UsageError(f"{path} is a binary file: tgfix repairs text files")
    return _with_lf(raw), FileForm(encoding, _newline(raw))


def read_text(path: Path) -> str:
    """A text file's text, with "\n" line endings."""
    return read_source(path)[0]


def _encoding(path: Path, data: bytes) -> str:
    """What Python reads a .py file as (tokenize.detect_encoding: BOM, coding declaration); UTF-8 else."""
    if path.suffix != ".py":
        return "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:  # an unknown encoding declared, or a first line that is no text: as UTF-8, then
        return "utf-8"


def _newline(raw: str) -> str:
    crlf = raw.count("\r\n")
    counts = {"\n": raw.count("\n") - crlf, "\r\n": crlf, "\r": raw.count("\r") - crlf}
    return max(counts, key=counts.get)  # "\n" on a tie, or without any line ending


def _with_lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(eq=False)
class Variable:
    value: str
    role: str
    path: Path   # absolute
    root: Path   # project root the tests run from
    grad: str | None = None  # the textual gradient: a critique, as micrograd's grad is a number
    memory: Memory = field(default_factory=Memory)
    form: FileForm = FileForm()  # how the file is written: its encoding and line endings (value has "\n")

    @classmethod
    def from_file(cls, path: str | Path, role: str | None = None, root: str | Path | None = None) -> "Variable":
        path = Path(path).resolve()
        text, form = read_source(path)
        return cls(value=text, role=role or f"the source file {path.name}",
                   path=path, root=Path(root).resolve() if root else project_root(path), form=form)

    def encoded(self, text: str) -> bytes:
        """text (a value of this variable) as the file holds it on disk."""
        return self.form.encoded(text)

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
