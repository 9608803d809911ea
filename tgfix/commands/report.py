"""`tgfix report RUN.json`: the report page of a run, as one self-contained HTML file."""

from __future__ import annotations

import json
from pathlib import Path

from tgfix.errors import TgfixError, UsageError
from tgfix.files import write_atomically
from tgfix.page import render
from tgfix.report import SCHEMA


def report_page(source: Path, output: Path | None = None) -> Path:
    """Write the page of the JSON report at source; where it went."""
    target = output or source.with_suffix(".html")
    if target.resolve() == source.resolve():
        raise UsageError(f"the page would overwrite {source}: name another with -o")
    if not target.resolve().parent.is_dir():
        raise UsageError(f"-o: no such folder: {target.parent}")
    data = read_report(source)
    try:
        page = render(data)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise UsageError(f"{source} is not a complete tgfix report ({type(error).__name__}: {error})") from None
    try:
        write_atomically(target, page)
    except OSError as error:  # a full disk, a read-only folder, a folder of that name
        raise TgfixError(f"cannot write {target}: {error.strerror or error}") from None
    return target


def read_report(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path} is not JSON: {error}") from None
    if not isinstance(data, dict) or "schema" not in data:
        raise UsageError(f"{path} is not a tgfix report (write one with `tgfix solve --report run.json`)")
    if data["schema"] != SCHEMA:
        raise UsageError(f"{path} has report schema {data['schema']!r}; this tgfix reads schema {SCHEMA}")
    return data
