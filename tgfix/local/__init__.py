"""The embedded local model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) run in-process.

- ``gguf``: the model file, joined from its PyPI chunks and verified on first use;
- ``runtime``: llama.cpp's server inside this process (xllamacpp): streaming, cancelling,
  several samples of one prompt at once, n-gram speculation;
- ``adapter``: the runtime behind litellm as the ``local/`` provider;
- ``speed``: a quick speed probe.
"""

from tgfix.config import cache_dir
from tgfix.local.adapter import LOCAL_MODEL, PROVIDER, register
from tgfix.local.gguf import ModelError, is_installed, model_file
from tgfix.local import runtime
from tgfix.local.runtime import MAX_SAMPLES, N_CTX
from tgfix.local.speed import SpeedProbe, probe



def load() -> None:
    """Have the model in memory now (the server for single answers), not in the middle of a request."""
    runtime.get_server()


__all__ = [
    "LOCAL_MODEL", "MAX_SAMPLES", "N_CTX", "PROVIDER", "ModelError", "SpeedProbe",
    "cache_dir", "is_installed", "load", "model_file", "probe", "register",
]
