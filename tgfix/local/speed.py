"""A quick speed probe of the embedded model (``tgfix doctor``, the speed benchmark)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tgfix.local import runtime
from tgfix.local.gguf import model_file


@dataclass(frozen=True)
class SpeedProbe:
    model_path: Path
    load_seconds: float
    prompt_tokens: int
    prompt_tokens_per_s: float
    gen_tokens: int
    gen_tokens_per_s: float


def probe(prompt_tokens: int = 300, gen_tokens: int = 64) -> SpeedProbe:
    """Load the model (if not yet) and time one request of about ``prompt_tokens`` in, ``gen_tokens`` out."""
    runtime.get_server()
    # About 10 tokens per line; numbered so no two lines are alike.
    filler = "\n".join(f"{n}: value = compute({n})" for n in range(prompt_tokens // 10))
    started = time.perf_counter()
    reply = runtime.chat(
        {
            "messages": [{"role": "user", "content": f"{filler}\nContinue this list."}],
            "temperature": 0,
            "max_tokens": gen_tokens,
            "ignore_eos": True,
        }
    )
    wall = time.perf_counter() - started
    usage = reply["usage"]
    timings = reply.get("timings") or {}
    return SpeedProbe(
        model_path=model_file(),
        load_seconds=runtime.load_seconds(),
        prompt_tokens=usage["prompt_tokens"],
        prompt_tokens_per_s=timings.get("prompt_per_second") or usage["prompt_tokens"] / wall,
        gen_tokens=usage["completion_tokens"],
        gen_tokens_per_s=timings.get("predicted_per_second") or usage["completion_tokens"] / wall,
    )
