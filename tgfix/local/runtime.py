"""The in-process runtime: llama.cpp's servers (xllamacpp) with the embedded model.

Two servers, each loaded on first use (they share the mmapped model file): one slot with
n-gram speculation for single completions, and ``MAX_SAMPLES`` slots without it for several
completions of one prompt (llama.cpp aborts when several slots draft at once). Greedy
requests thus never share a server with sampled batches.

Every request runs on a worker thread, so the calling thread stays responsive: Ctrl-C or
SIGTERM there cancels the generation at its next chunk (a token, or a prompt batch) and
leaves the server ready for the next request. A load cannot be cancelled: xllamacpp holds the
GIL while it loads (2-5 s), so no Python signal handler runs, and a load that sees a signal
fails and then hangs joining its own server loop. During a load these signals therefore take
their default action and end the process at once; nothing needs cleaning up then (no sandbox
is open, FILE is at its original or last accepted state; the run lock of a dead process is
taken over by the next run).
"""

from __future__ import annotations

import os
import secrets
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from tgfix.local.gguf import ModelError, model_file

N_CTX = 8192  # context of one request (one slot)
MAX_SAMPLES = 4  # this many completions of one prompt are generated together
# A prompt is processed in batches of this many tokens, and a cancel waits for the batch
# under way: about 1.4 s for 128 on 2 idle cores (512 would be 6 s).
PROMPT_BATCH = 128
# n-gram drafts verified by the model itself: greedy output is unchanged, and whole-file
# answers, mostly copied from the prompt, come several times faster (bench/README.md).
SPECULATION = "NGRAM_MOD"
_POLL_SECONDS = 0.05
# How long an interrupted caller waits for the cancelled generation to stop (it stops after the
# prompt batch under way) before it goes on regardless.
_CANCEL_GRACE_SECONDS = 0.5


@dataclass(frozen=True)
class Layout:
    slots: int
    speculation: str | None


SINGLE = Layout(slots=1, speculation=SPECULATION)
BATCHED = Layout(slots=MAX_SAMPLES, speculation=None)

_servers: dict[Layout, Any] = {}
_load_seconds = 0.0
_server_lock = threading.Lock()


class ReplyError(Exception):
    """The server refused or failed a request."""

    def __init__(self, code: int, kind: str, message: str):
        super().__init__(message)
        self.code, self.kind, self.message = code, kind, message


def load_seconds() -> float:
    return _load_seconds


def get_server(layout: Layout = SINGLE) -> Any:
    global _load_seconds
    with _server_lock:
        if layout not in _servers:
            path = model_file()
            started = time.perf_counter()
            with _ended_by_signals():
                _servers[layout] = start_server(path, layout)
            _load_seconds = time.perf_counter() - started
        return _servers[layout]


def start_server(path: Path, layout: Layout) -> Any:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_parallel = layout.slots
    params.n_ctx = N_CTX * layout.slots  # llama.cpp splits n_ctx across the slots
    params.n_batch = params.n_ubatch = PROMPT_BATCH
    if layout.speculation:
        kind = f"COMMON_SPECULATIVE_TYPE_{layout.speculation}"
        params.speculative.types = [getattr(xllamacpp.common_speculative_type, kind)]
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = _cpu_count()
    params.verbosity = -1  # llama.cpp logs nothing to stderr
    # A cached prompt prefix changes the logits slightly (other batch shapes), so the same
    # request would answer differently depending on what was asked before it: only sampled
    # requests, and those after a run's first answer, ask for it (adapter._request).
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


def chat(request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """A chat completion (``n`` choices), in the shape of the non-streaming reply; interruptible."""
    return stream(get_server(BATCHED if request.get("n", 1) > 1 else SINGLE), request, timeout)


def stream(server: Any, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run ``request`` streamed on a worker thread; an exception in this thread, or ``timeout``
    seconds passing (TimeoutError), cancels it."""
    reply = _StreamedReply()
    cancel = threading.Event()
    finished = threading.Event()
    failure: list[BaseException] = []
    deadline = None if timeout is None else time.monotonic() + timeout

    def on_chunk(chunk: dict[str, Any]) -> bool:
        reply.add(chunk)
        return cancel.is_set()  # True stops the generation and frees its slot

    def generate() -> None:
        try:
            server.handle_chat_completions(_streaming(request), on_chunk)
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)
        finally:
            finished.set()

    # Not a daemon: the interpreter waits for a cancelled generation to stop before tearing
    # down the server under it (a daemon thread there crashes the exit).
    threading.Thread(target=generate, name="tgfix-local-generation").start()
    try:
        while not finished.wait(_POLL_SECONDS):  # the signal handler only runs when this thread wakes
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"no answer within {timeout:.0f} s")
    except BaseException:
        cancel.set()
        finished.wait(_CANCEL_GRACE_SECONDS)
        raise
    if failure:
        raise failure[0]
    return reply.result()


@contextmanager
def _ended_by_signals() -> Iterator[None]:
    """Ctrl-C and SIGTERM end the process at once (their default action) inside this block."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; its own wait stays interruptible
        return
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum, handler in handlers.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, signal.SIG_DFL)
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def _streaming(request: dict[str, Any]) -> dict[str, Any]:
    # return_progress: a chunk after every prompt batch, so a cancel needn't wait for the whole prompt.
    return {**request, "stream": True, "return_progress": True, "stream_options": {"include_usage": True}}


class _StreamedReply:
    """Chunks of a streamed chat completion joined into the non-streaming reply."""

    def __init__(self) -> None:
        self.texts: dict[int, list[str]] = {}
        self.finish_reasons: dict[int, str] = {}
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.timings: dict[str, float] = {}
        self.error: dict[str, Any] | None = None

    def add(self, chunk: dict[str, Any]) -> None:
        if "error" in chunk or "choices" not in chunk:
            self.error = chunk.get("error", chunk)
            return
        for choice in chunk["choices"]:
            index = choice.get("index", 0)
            self.texts.setdefault(index, []).append((choice.get("delta") or {}).get("content") or "")
            if choice.get("finish_reason"):
                self.finish_reasons[index] = choice["finish_reason"]
        if usage := chunk.get("usage"):  # one per completion, after its last token
            self.prompt_tokens = usage["prompt_tokens"]
            self.completion_tokens += usage["completion_tokens"]
        self.timings = chunk.get("timings") or self.timings

    def result(self) -> dict[str, Any]:
        if self.error is not None:
            raise ReplyError(self.error.get("code", 500), self.error.get("type", ""), self.error.get("message", str(self.error)))
        choices = [
            {
                "index": index,
                "message": {"role": "assistant", "content": "".join(self.texts[index])},
                "finish_reason": self.finish_reasons.get(index, "stop"),
            }
            for index in sorted(self.texts)
        ]
        usage = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }
        return {"choices": choices, "usage": usage, "timings": self.timings}
