"""Settings for a run: flags > TGFIX_* environment variables > [tool.tgfix] in pyproject.toml > defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from tgfix.errors import UsageError


@dataclass(frozen=True)
class Settings:
    tests: tuple[str, ...] = ()
    test_cmd: str | None = None
    model: str | None = None           # None: TGFIX_MODEL, else the embedded model
    gradient_model: str | None = None  # None: same as model
    api_base: str | None = None
    temperature: float = 0.0
    seed: int = 0
    max_tokens: int = 2048
    max_iters: int = 5
    candidates: int = 1
    patience: int = 3
    max_cost: float | None = None
    max_calls: int | None = None  # a hard cap on model calls (benchmarks compare methods at equal calls)
    test_timeout: float = 10.0
    problem: str | None = None
    role: str | None = None
    edit_format: str = "auto"
    memory: int = 5
    gradient: str = "after-first"  # when a critique precedes the step: always | after-first | never (bench/README.md)
    localize: bool = True   # False: no coverage-based fault localization (ablation)
    commit: bool = True
    allow_dirty: bool = False
    cache: bool = True
    report: str | None = None
    verbosity: int = 0
    hook_max_iters: int = 2           # `tgfix hook`'s budget: a commit is waiting
    hook_allow_failing: bool = False  # `tgfix hook`: exit 0 when tests fail and no repair is found
    hook_on_unavailable: str = "fail"  # `tgfix hook`, model unreachable: "fail" (exit 1) or "skip" (exit 0)
    python: str | None = None  # the tests' interpreter; None: the project's virtualenv, else tgfix's own


PATH_SETTINGS = {"tests", "problem", "python"}
CHOICES = {
    "edit_format": ("auto", "whole", "udiff"),
    "gradient": ("always", "after-first", "never"),
    "hook_on_unavailable": ("fail", "skip"),
}


def load(flags: dict, project: Path) -> Settings:
    merged = {**_from_pyproject(project), **_from_env(), **{k: v for k, v in flags.items() if v is not None}}
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(merged) - known)
    if unknown:
        raise UsageError(f"unknown tgfix setting: {', '.join(unknown)}")
    return Settings(**{name: _convert(name, value) for name, value in merged.items()})


def _from_pyproject(project: Path) -> dict:
    path = project / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        table = tomllib.loads(path.read_text()).get("tool", {}).get("tgfix", {})
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: {error}") from None
    settings = {key.replace("-", "_"): value for key, value in table.items()}
    for key in PATH_SETTINGS & settings.keys():  # paths in pyproject.toml are relative to the project
        value = settings[key]
        settings[key] = [str(project / p) for p in value] if isinstance(value, list) else str(project / value)
    return settings


def _from_env() -> dict:
    names = {f.name for f in fields(Settings)}
    return {name: os.environ[f"TGFIX_{name.upper()}"] for name in names if f"TGFIX_{name.upper()}" in os.environ}


def _convert(name: str, value):
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind.startswith("tuple"):
            return tuple(value.split(os.pathsep) if isinstance(value, str) else value)
        if kind == "bool":
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
        if kind.startswith("int"):
            return int(value)
        if kind.startswith("float"):
            return float(value)
        if name in CHOICES and value not in CHOICES[name]:
            raise ValueError
        return str(value)
    except (TypeError, ValueError):
        raise UsageError(f"setting {name}: cannot use {value!r}") from None
