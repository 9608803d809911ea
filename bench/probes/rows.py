"""A probe's rows: one JSON object a line, appended as each comes, so that a run resumes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Iterable

from tgfix import local

Job = tuple[tuple, Callable[[], dict]]  # a row's key, and how to make the row


def resume(path: Path, model: str, jobs: Iterable[Job], key: Callable[[dict], tuple],
           describe: Callable[[dict], str]) -> list[dict]:
    """Every row of path, after running each job whose key has no row yet (its row appended at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    done = {key(row) for row in rows}
    todo = [make for job_key, make in jobs if job_key not in done]
    if todo and model.startswith("local/"):
        local.load()  # once, before any row is timed
    for make in todo:
        row = make()
        with path.open("a") as out:
            out.write(json.dumps(row) + "\n")
        rows.append(row)
        print(describe(row), file=sys.stderr, flush=True)
    return rows


def check_names(parser: argparse.ArgumentParser, kind: str, names: list[str], known: Iterable[str]) -> None:
    unknown = sorted(set(names) - set(known))
    if unknown:
        parser.error(f"unknown {kind} {', '.join(unknown)}; known: {', '.join(known)}")


def show(path: Path, table: str) -> int:
    """Write the table beside the rows and print it."""
    path.write_text(table)
    print(table)
    return 0
