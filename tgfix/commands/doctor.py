"""`tgfix doctor`: which model will be used and why, whether it answers, how fast, where the cache is;
which Python runs the tests and why."""

from __future__ import annotations

import os
import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tgfix import config, interpreter, local
from tgfix.errors import ModelUnavailable, TgfixError
from tgfix.llm import LLM


def chosen_model(flag: str | None, project: Path) -> tuple[str | None, str]:
    """The model a run would use, and the reason, in the documented order of precedence."""
    if flag:
        return flag, "--model"
    if os.environ.get("TGFIX_MODEL"):
        return os.environ["TGFIX_MODEL"], "TGFIX_MODEL"
    configured = config.load({}, project).model
    if configured:
        return configured, f"[tool.tgfix] model in {project / 'pyproject.toml'}"
    if local.is_installed():
        return local.LOCAL_MODEL, "the embedded model (installed with tgfix[local])"
    return None, "none: install tgfix[local] or pass --model / set TGFIX_MODEL"


def tests_interpreter(project: Path) -> str:
    """Which Python the tests will run with and why, in the documented order of precedence."""
    configured = config.load({}, project).python
    why = "TGFIX_PYTHON" if os.environ.get("TGFIX_PYTHON") else f"[tool.tgfix] python in {project / 'pyproject.toml'}"
    try:
        return interpreter.choose(project, configured, why).describe()
    except TgfixError as error:
        return f"tests run with: FAILED: {error}"


def diagnose(flag: str | None, probe: bool = True) -> list[str]:
    model, why = chosen_model(flag, Path.cwd())
    lines = [f"model: {model or '-'} ({why})",
             tests_interpreter(Path.cwd()),
             f"embedded model installed: {'yes' if local.is_installed() else 'no'}",
             f"cache: {local.cache_dir()}",
             "versions: " + ", ".join(f"{name} {_version(name)}" for name in ("tgfix", "litellm", "xllamacpp"))
             + f", python {platform.python_version()}"]
    if model and probe:
        lines += _probe(model)
    return lines


def _probe(model: str) -> list[str]:
    if model.startswith(f"{local.PROVIDER}/"):
        try:
            speed = local.probe()
        except local.ModelError as error:
            return [f"load: FAILED: {error}"]
        return [f"model file: {speed.model_path}",
                f"load: {speed.load_seconds:.1f} s; prompt {speed.prompt_tokens_per_s:.0f} tokens/s; "
                f"generation {speed.gen_tokens_per_s:.1f} tokens/s"]
    started = time.monotonic()
    try:
        reply = LLM(model, max_tokens=8)([{"role": "user", "content": "Say OK."}])
    except ModelUnavailable as error:
        return [f"reachable: no: {error}"]
    return [f"reachable: yes ({time.monotonic() - started:.1f} s, {reply.completion_tokens} tokens: {reply.text!r})"]


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"
