"""Settings for a run: flags > TGFIX_* environment variables > [tool.tgfix] in pyproject.toml > defaults.

Every value, wherever it comes from, is checked here once, by its field's type and range;
a bad one is a one-line usage error naming the flag, variable or pyproject key it came from.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict

from tgfix import prompts
from tgfix.errors import UsageError

ENV_PREFIX = "TGFIX_"
OTHER_VARIABLES = {"TGFIX_CACHE_DIR", "TGFIX_TEST_TIMEOUT", "TGFIX_TRACEBACK"}  # read elsewhere, not settings
TEST_SUITE_VARIABLES = {"TGFIX_REQUIRE_MODEL", "TGFIX_REQUIRE_BROWSER", "TGFIX_REQUIRE_SANDBOX"}  # tests/conftest.py (CI sets them)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    tests: Annotated[tuple[str, ...], NoDecode] = ()  # paths or pytest node ids (tests/test_x.py::test_y)
    tests_k: str | None = None  # a pytest -k expression: only the tests whose names match
    test_cmd: str | None = None
    model: str | None = None           # None: TGFIX_MODEL, else the embedded model
    gradient_model: str | None = None  # None: same as model
    api_base: str | None = None
    api_key: SecretStr | None = None   # for --api-base servers that check one; never printed or reported
    temperature: float = Field(0.0, ge=0, le=2)
    seed: int = 0
    max_tokens: int = Field(prompts.MAX_TOKENS, ge=16)
    max_iters: int = Field(12, ge=1)
    max_files: int = Field(2, ge=1)  # solve without FILES: the files the failing tests point at, repaired in turn
    candidates: int = Field(1, ge=1, le=16)
    patience: int | None = Field(None, ge=1)  # None: none, the budgets end the run (a small model's fix may be its fifth sample)
    max_cost: float | None = Field(None, gt=0)
    time_budget: float | None = Field(240.0, gt=0)  # seconds of wall clock for the whole loop: the benchmark's budget
    test_timeout: float = Field(10.0, gt=0)
    problem: str | None = None
    role: str | None = None
    edit_format: Literal["auto", "whole", "udiff", "function"] = "auto"
    memory: int = Field(5, ge=0)
    gradient: Literal["auto", "always", "after-first", "alternating", "never"] = "auto"  # when a critique precedes the step
    localize: bool = True   # False: no coverage-based fault localization (ablation)
    trace: bool = False     # the variables along the last lines the first failing test ran, in the loss
    second_opinion: bool = True  # solve: after a first miss, the greedy answer to the plain request too
    commit: bool = True
    allow_dirty: bool = False
    cache: bool = True
    report: str | None = None
    report_prompts: bool = False  # the report holds every prompt sent, not only its sha256
    dry_run: bool = False   # find the best change, show it, and leave FILE and git as they are
    json_output: bool = False  # --json: the summary as one JSON object on stdout
    verbosity: int = 0
    hook_max_iters: int = Field(2, ge=1)  # `tgfix hook`'s budget: a commit is waiting
    hook_allow_failing: bool = False      # `tgfix hook`: exit 0 when tests fail and no repair is found
    hook_on_unavailable: Literal["fail", "skip"] = "fail"  # `tgfix hook`, model unreachable: exit 1, or 0
    python: str | None = None  # the tests' interpreter; None: the project's virtualenv, else tgfix's own
    pass_env: Annotated[tuple[str, ...], NoDecode] = ()  # variables (or patterns, DB_*) the tests see beyond the allowlist
    network: bool = False  # keep this machine's network in the sandbox (a database on localhost)
    _origins: dict[str, str] = PrivateAttr(default_factory=dict)
    _warnings: list[str] = PrivateAttr(default_factory=list)

    def origin(self, name: str) -> str | None:
        """Where a setting's value came from (a flag, a variable, a pyproject key); None for its default."""
        return self._origins.get(name)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What loading found amiss without refusing it (a TGFIX_ variable that names no setting), to show."""
        return tuple(self._warnings)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **sources):
        return (init_settings,)  # load() reads the environment and pyproject itself, to name each value's origin

    @field_validator("tests", mode="before")
    @classmethod
    def _paths(cls, value):
        return tuple(TESTS_SEPARATOR.split(value)) if isinstance(value, str) else value

    @field_validator("pass_env", mode="before")
    @classmethod
    def _split(cls, value):
        """TGFIX_PASS_ENV="DB_USER DB_PASS" or "DB_USER,DB_PASS"; in pyproject.toml a list or such a string."""
        return tuple(name for name in re.split(r"[\s,]+", value) if name) if isinstance(value, str) else value

    @field_validator("pass_env")
    @classmethod
    def _names(cls, names):
        for name in names:
            if not re.fullmatch(r"[\w*?\[\]!-]+", name):
                raise ValueError(f"not a variable name or pattern (DB_*): {name!r}")
        return names


PATH_SETTINGS = ("tests", "problem", "python")
TESTS_SEPARATOR = re.compile(rf"(?<!:){re.escape(os.pathsep)}(?!:)")  # a node id's "::" is not a separator


def cache_dir() -> Path:
    """Where tgfix keeps the joined model and the replies: TGFIX_CACHE_DIR, else the XDG cache."""
    if os.environ.get("TGFIX_CACHE_DIR"):
        return Path(os.environ["TGFIX_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "tgfix"
    return Path.home() / ".cache" / "tgfix"


def choices(name: str) -> tuple[str, ...]:
    """The values a choice setting accepts, for click."""
    return Settings.model_fields[name].annotation.__args__


def load(flags: dict, project: Path) -> Settings:
    """The settings for a run in `project`; flags whose value is None are unset."""
    origins = {}
    merged = {}
    for where, values in (_from_pyproject(project), _from_env(), ("--", {k: v for k, v in flags.items() if v is not None})):
        for name, value in values.items():
            merged[name], origins[name] = value, _origin(where, name)
    try:
        settings = Settings(**merged)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        what = origins.get(name, name)
        if first["type"] == "extra_forbidden":
            raise UsageError(f"unknown tgfix setting: {what}") from None
        message = "input should be a path or a list of paths" if first["type"] == "tuple_type" else first["msg"]
        raise UsageError(f"{what}: {message[0].lower() + message[1:]} (got {first['input']!r})") from None
    settings._origins.update(origins)
    settings._warnings.extend(f"{variable} names no tgfix setting; ignored" for variable in _unknown_variables())
    return settings


def _origin(where: str, name: str) -> str:
    if where == "--":
        return "--" + name.replace("_", "-")
    if where == "env":
        return ENV_PREFIX + name.upper()
    return f"{name} in [tool.tgfix] of {where}"


def _from_pyproject(project: Path) -> tuple[str, dict]:
    path = project / "pyproject.toml"
    if not path.is_file():
        return str(path), {}
    try:
        tool = tomllib.loads(path.read_text()).get("tool", {})
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: {error}") from None
    table = tool.get("tgfix", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: tool.tgfix is not a table: put the settings under a [tool.tgfix] header")
    settings = {key.replace("-", "_"): value for key, value in table.items()}
    for key in set(PATH_SETTINGS) & settings.keys():  # paths in pyproject.toml are relative to the project
        settings[key] = _in_project(project, settings[key])
    return str(path), settings


def _in_project(project: Path, value):
    """A path (or list of paths) relative to the project; any other value is left for Settings to refuse."""
    if isinstance(value, list):
        return [_in_project(project, item) for item in value]
    return str(project / value) if isinstance(value, str) else value


def _from_env() -> tuple[str, dict]:
    return "env", EnvSettingsSource(Settings)()


def _unknown_variables() -> list[str]:
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields} | OTHER_VARIABLES | TEST_SUITE_VARIABLES
    return [variable for variable in sorted(set(os.environ) - known) if variable.startswith(ENV_PREFIX)]
