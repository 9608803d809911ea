"""Every model call goes through here: litellm, a stable disk cache, retries, token and cost accounting."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import litellm
import openai

from tgfix import prompts
from tgfix.budget import Budget, BudgetSpent
from tgfix.errors import ModelUnavailable, UsageError
from tgfix.files import write_atomically

PLACEHOLDER_KEY = "sk-no-key-needed"
RETRIES = 3          # after a network hiccup, a rate limit or a server error (5xx), never after 401, 404 or 400
RETRY_WAIT = 1.0     # seconds before the first retry, doubled before each next one
# litellm reports a body that is no chat completion as a server error (500): no retry helps
UNUSABLE_BODY = ("Empty or invalid response", "Invalid response object", "Expecting value", "no 'choices'",
                 "'choices' that is not a list")
litellm.suppress_debug_info = True
litellm.telemetry = False


@dataclass(frozen=True)
class Capacity:
    """What a model's server allows: the LLM asks it for nothing more."""

    samples_per_request: int = 1  # completions of one prompt generated together (litellm's n); more are split
    concurrent_requests: int = 1  # requests of one sample() under way at once


# A remote provider answers a step's requests in parallel, one sample each (servers that honour n are few):
# K candidates cost ceil(K / 4) round trips instead of K, and a rate limit sees no burst larger than 4.
REMOTE = Capacity(samples_per_request=1, concurrent_requests=4)


class Backend(Protocol):
    """A model served in this process behind litellm, such as the embedded one (tgfix.local registers it)."""

    provider: str  # it serves the model strings "provider/NAME"
    capacity: Capacity
    context_window: int  # tokens one request reads at most

    def check(self, model: str) -> None:
        """Raise UsageError for a model string it does not serve; otherwise make litellm reach it."""


_backends: dict[str, Backend] = {}


def register_backend(backend: Backend) -> None:
    _backends[backend.provider] = backend


def backend_of(model: str) -> Backend | None:
    """The registered backend that serves `model`, or None for litellm's own providers."""
    return _backends.get(model.split("/", 1)[0]) if "/" in model else None


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
    prompt_sha256: str = ""  # of the messages sent: which replies answered the same prompt, in the report


@dataclass
class Usage:
    """What the model calls of one run cost, in running totals, and the prompts sent (for the report);
    the engines of a run share one."""

    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0
    cut_off: int = 0  # requests ended by the deadline before their answer came: their time is in seconds
    prompts: dict[str, list[dict]] = field(default_factory=dict, repr=False, compare=False)  # sha256 -> messages
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, reply: Reply) -> None:
        with self._lock:
            self.calls += 1
            self.cached_calls += reply.cached
            self.prompt_tokens += reply.prompt_tokens
            self.completion_tokens += reply.completion_tokens
            self.cost += reply.cost
            self.seconds += reply.seconds

    def snapshot(self) -> "Usage":
        return dataclasses.replace(self, _lock=threading.Lock())

    def since(self, earlier: "Usage") -> "Usage":
        """What was spent after `earlier` (a snapshot of this usage)."""
        return Usage(**{f.name: getattr(self, f.name) - getattr(earlier, f.name)
                        for f in dataclasses.fields(self) if f.compare})

    def plus(self, other: "Usage") -> "Usage":
        """This usage and other's together (two runs'), with the prompts of both."""
        total = Usage(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                         for f in dataclasses.fields(self) if f.compare})
        total.prompts.update({**self.prompts, **other.prompts})
        return total


    def cut(self, seconds: float) -> None:
        """A request ended by the deadline before its answer came: its time was the model's all the same."""
        with self._lock:
            self.seconds += seconds
            self.cut_off += 1


class _Waiting:
    """The seconds a caller waits while one or more of its requests are under way, charged to the requests
    as they end: requests under way together do not count the same seconds twice."""

    def __init__(self):
        self._lock = threading.Lock()
        self._under_way = 0
        self._since = 0.0  # when a request last started or ended
        self._unbilled = 0.0

    def started(self) -> None:
        with self._lock:
            self._count(+1)

    def ended(self) -> float:
        """The seconds waited since a request last ended (or this one started): this request's."""
        with self._lock:
            self._count(-1)
            seconds, self._unbilled = self._unbilled, 0.0
            return seconds

    def _count(self, change: int) -> None:
        now = time.monotonic()
        if self._under_way:
            self._unbilled += now - self._since
        self._since, self._under_way = now, self._under_way + change


class DiskCache:
    """Completions on disk, one JSON file per sha256 of (model, messages, sampling parameters).

    litellm's own cache-hit path imports its proxy server (fastapi) in this version, so the
    few lines of a file cache live here; the key is stable across processes, unlike TextGrad's hash().
    """

    def __init__(self, directory: Path, on_warning: Callable[[str], None] = lambda _: None):
        self.directory = directory
        self.on_warning = on_warning
        self.writable = True  # False after a failed write: warned once, nothing more is written

    @staticmethod
    def key(request: dict) -> str:
        return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()

    def get(self, request: dict) -> dict | None:
        try:
            return json.loads((self.directory / f"{self.key(request)}.json").read_text())
        except (OSError, ValueError):
            return None

    def put(self, request: dict, answer: list[dict]) -> None:
        """Keep the answer for the next run; a cache that cannot be written costs a warning, never the answer."""
        if not self.writable:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomically(self.directory / f"{self.key(request)}.json", json.dumps(answer))
        except OSError as error:
            self._unwritable(error)

    def check_writable(self) -> None:
        """Before the first model call: warn now, not mid-run, when no reply could be kept."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=self.directory).close()
        except OSError as error:
            self._unwritable(error)

    def _unwritable(self, error: OSError) -> None:
        self.writable = False
        self.on_warning(f"cannot write the reply cache {self.directory} ({error.strerror or error}): "
                        "replies are not cached in this run")


@dataclass
class LLM:
    """A model and its sampling settings. Calling it with chat messages returns a Reply."""

    model: str
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = prompts.MAX_TOKENS
    cache: DiskCache | None = None
    api_base: str | None = None
    usage: Usage = field(default_factory=Usage)
    budget: Budget = Budget()  # what its calls may spend: the run's, shared with the loop
    api_key: str | None = field(default=None, repr=False)  # never printed, reported or in the cache key

    def __post_init__(self):
        if self.backend:
            self.backend.check(self.model)
        else:
            self.provider  # an unknown model string is a usage error now, before any test runs

    @property
    def provider(self) -> str:
        """litellm's provider of the model string ("openai" for openai/NAME)."""
        try:
            return litellm.get_llm_provider(self.model, api_base=self.api_base)[1]
        except litellm.BadRequestError:
            raise UsageError(f"unknown model {self.model}: name its provider, e.g. openai/{self.model} for an "
                             "OpenAI-compatible server (--api-base) or anthropic/NAME") from None

    @property
    def backend(self) -> Backend | None:
        return backend_of(self.model)

    @property
    def is_local(self) -> bool:
        """A model run in this process (the embedded one: small, on the CPU)."""
        return self.backend is not None

    @property
    def capacity(self) -> Capacity:
        return self.backend.capacity if self.backend else REMOTE

    def __call__(self, messages: list[dict], *, seed: int | None = None, temperature: float | None = None,
                 max_tokens: int | None = None, stop: tuple[str, ...] = ()) -> Reply:
        return self.sample(messages, 1, seed=seed, temperature=temperature, max_tokens=max_tokens, stop=stop)[0]

    def sample(self, messages: list[dict], n: int, *, seed: int | None = None, temperature: float | None = None,
               max_tokens: int | None = None, greedy_first: bool = False, stop: tuple[str, ...] = ()) -> list[Reply]:
        """n answers to one prompt, in order: with greedy_first, first the engine's own (as a call gives it),
        then samples with seeds seed, seed+1, ... Each request asks for as many samples as the server
        generates together, and up to as many requests as it serves at once are under way (Capacity). Each
        answer counts as a call: fewer come back when the call budget has less left. Generation ends at
        any of `stop`, which the answer leaves out."""
        n = self.budget.answers(n, self.usage.calls)
        own = self._request(messages, max_tokens) | ({"stop": list(stop)} if stop else {})
        sampled = {**own, **({"seed": seed} if seed is not None else {}),
                   **({"temperature": temperature} if temperature is not None else {})}
        first = [own] if greedy_first else []
        requests = first + self._batches(sampled, n - len(first))
        return [reply for replies in self._each(requests) for reply in replies]

    def _request(self, messages: list[dict], max_tokens: int | None) -> dict:
        request = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "seed": self.seed,
            "max_tokens": self.max_tokens if max_tokens is None else min(max_tokens, self.max_tokens),
        }
        # An in-process backend keeps the last prompt: after the run's first answer (which reads its prompt
        # whole, so that it does not depend on what the process asked before) every request reuses the
        # prefix it shares with the one before (tgfix.excerpt puts what a run's calls share first).
        if self.backend and self.usage.calls:
            request["cache_prompt"] = True
        return request

    def _batches(self, request: dict, n: int) -> list[dict]:
        """The requests for n samples, each for as many as the server generates together."""
        size = self.capacity.samples_per_request
        return [_batch(request, start, min(size, n - start)) for start in range(0, n, size)]

    def _each(self, requests: list[dict]) -> list[list[Reply]]:
        """The replies to each request, in order, with up to capacity.concurrent_requests under way at once."""
        waiting = _Waiting()
        workers = min(len(requests), self.capacity.concurrent_requests)
        if workers <= 1:
            return [self._replies(request, waiting) for request in requests]
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tgfix-model")
        futures = [pool.submit(self._replies, request, waiting) for request in requests]
        try:
            replies = [future.result() for future in futures]
        except BaseException as error:
            # After a failure no further request starts, and those under way end (at the deadline at the
            # latest) and are counted; after Ctrl-C the run ends now.
            pool.shutdown(wait=not isinstance(error, KeyboardInterrupt), cancel_futures=True)
            raise
        pool.shutdown()
        return replies

    def _replies(self, request: dict, waiting: _Waiting) -> list[Reply]:
        waiting.started()
        try:
            answers, cached = self._answers(request)
        except BudgetSpent:  # cut off at the deadline: the time was the model's all the same
            self.usage.cut(waiting.ended())
            raise
        except BaseException:
            waiting.ended()
            raise
        seconds = waiting.ended() / len(answers)
        prompt = hashlib.sha256(json.dumps(request["messages"], sort_keys=True).encode()).hexdigest()
        self.usage.prompts[prompt] = request["messages"]
        replies = [Reply(model=self.model, seconds=seconds, cached=cached, prompt_sha256=prompt,
                         **{**answer, "cost": 0.0 if cached else answer["cost"]})
                   for answer in answers]
        for reply in replies:
            self.usage.add(reply)
        return replies

    def _answers(self, request: dict) -> tuple[list[dict], bool]:
        """The request's answers, from the cache or else the model, and whether they came from the cache."""
        key = self._cache_key(request)
        answers = self.cache.get(key) if self.cache else None
        if answers is not None:
            return answers, True
        answers = self._complete(request)
        if self.cache and all(answer["text"].strip() for answer in answers):  # an empty answer is no answer to keep
            self.cache.put(key, answers)
        return answers, False

    def _key(self) -> str | None:
        """The key to send: the one given, else the provider's from the environment (litellm reads
        it), else, for a server at --api-base, a placeholder: servers that check none still want one,
        and one that checks answers 401, which names --api-key."""
        if self.api_key or litellm.validate_environment(self.model)["keys_in_environment"]:
            return self.api_key
        return PLACEHOLDER_KEY if self.api_base else None

    def _cache_key(self, request: dict) -> dict:
        """Everything that changes the answer: the request and the server that answers it (a reused prefix
        changes it only as the batch shapes round: the same request)."""
        request = {k: v for k, v in request.items() if k != "cache_prompt"}
        return {**request, "api_base": self.api_base} if self.api_base else request

    def _complete(self, request: dict) -> list[dict]:
        response = self._response(request)
        count = len(response.choices)
        if not count:
            raise ModelUnavailable(f"model {self.model} unavailable: {self._url()} answered with no choices")
        usage = getattr(response, "usage", None)
        prompt, completion = (getattr(usage, name, 0) or 0 for name in ("prompt_tokens", "completion_tokens"))
        return [{"text": choice.message.content or "",
                 "prompt_tokens": prompt if index == 0 else 0,  # one prompt, read once
                 "completion_tokens": completion // count,
                 "cost": _cost(response) / count,
                 "truncated": choice.finish_reason == "length"}
                for index, choice in enumerate(response.choices)]

    def _response(self, request: dict):
        """litellm's answer. Retries are ours, not litellm's: each attempt, and each wait before one,
        gets only the time left before the deadline, so the time budget holds, retries included."""
        for attempt in range(RETRIES + 1):
            left = self.budget.seconds_left()
            if left is not None and left <= 0:
                raise BudgetSpent("time budget spent: the model was not answering")
            try:
                return litellm.completion(**request, api_base=self.api_base, api_key=self._key(), num_retries=0,
                                          **({"timeout": left} if left is not None else {}))
            except openai.OpenAIError as error:  # every litellm API error, an in-process backend's too
                if isinstance(error, openai.APITimeoutError) and self.budget.out_of_time:
                    raise BudgetSpent("time budget spent: the answer under way was cut off") from error
                if attempt == RETRIES or self.is_local or not _transient(error):  # a local error is no hiccup
                    raise ModelUnavailable(f"model {self.model} unavailable: {self._explain(error)}") from error
            wait = RETRY_WAIT * 2 ** attempt
            time.sleep(wait if left is None else max(0.0, min(wait, self.budget.seconds_left())))

    def _url(self) -> str:
        """Where the request went, as the user can check it."""
        if self.api_base and self.provider == "openai":
            return self.api_base.rstrip("/") + "/chat/completions"
        return self.api_base or f"the {self.provider} API"

    def _explain(self, error: Exception) -> str:
        """One line the user can act on: what went wrong at which URL, and the likely fix."""
        status, text = getattr(error, "status_code", None), _first_line(error)
        if self.is_local:
            return text
        if "Missing credentials" in text:  # litellm's, before any request
            return f"no key for {self.model}: pass --api-key or set TGFIX_API_KEY (or the provider's key variable)"
        if status == 401:
            fix = "check the key of --api-key or TGFIX_API_KEY" if self.api_key else "pass --api-key or set TGFIX_API_KEY"
            return f"{self._url()} refused the key (401): {fix}"
        if status == 404:
            return f"{self._url()} answered 404 (not found): {self._not_found_hint()}"
        if isinstance(error, openai.APITimeoutError):
            return f"no answer from {self._url()} in time"
        if any(sign in str(error) for sign in UNUSABLE_BODY):
            return f"{self._url()} answered with something that is not a chat completion (not JSON, or no choices)"
        return f"{self._url()}: {text}"

    def _not_found_hint(self) -> str:
        name = self.model.split("/", 1)[-1]
        if self.api_base and self.provider != "openai":
            return f"use `openai/{name}` for an OpenAI-compatible server"
        if self.api_base and not urllib.parse.urlparse(self.api_base).path.rstrip("/").endswith("/v1"):
            return "add /v1 to --api-base"
        return f"the server knows no model {name}: check the name (tgfix doctor asks the server)"


def _batch(request: dict, start: int, count: int) -> dict:
    """The request for samples start, start+1, ...: its seed is the first one's, as in a request for one."""
    seeded = {**request, "seed": (request["seed"] or 0) + start} if start else request
    return {**seeded, "n": count} if count > 1 else seeded


def _transient(error: Exception) -> bool:
    """Worth another try: the network, a rate limit, a server error; not a refusal or a body no retry mends."""
    if any(sign in str(error) for sign in UNUSABLE_BODY + ("Missing credentials",)):
        return False
    return (isinstance(error, (openai.APIConnectionError, openai.RateLimitError))
            or (isinstance(error, openai.APIStatusError) and error.status_code >= 500))


def context_window(model: str) -> int | None:
    """How many tokens the model reads at most, when known."""
    if backend := backend_of(model):
        return backend.context_window
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
    """The message without litellm's prefixes ("litellm.XError: XError: OpenAIException - ")."""
    text = str(error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    return line.rsplit("Exception - ", 1)[-1].strip() or line
