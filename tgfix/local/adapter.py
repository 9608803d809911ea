"""The litellm adapter: ``LocalLLM`` puts the in-process runtime behind litellm as the ``local/`` provider,
and ``EMBEDDED`` tells the LLM what that provider allows (a tgfix.llm.Backend)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import litellm
from litellm.llms.custom_llm import CustomLLM, CustomLLMError
from litellm.types.utils import Choices, Message, ModelResponse, Usage

from tgfix.errors import UsageError
from tgfix.llm import Capacity
from tgfix.local import runtime

PROVIDER = "local"
LOCAL_MODEL = f"{PROVIDER}/qwen2.5-coder-1.5b"

_PASSED_PARAMS = ("temperature", "seed", "max_tokens", "top_p", "stop", "n")


def _request(messages: list, optional_params: dict) -> dict[str, Any]:
    """The server request; ``n`` completions of one prompt are generated together, one per slot.

    A sampled request, or one that asks for it (``cache_prompt``: tgfix.llm after a run's first
    answer), reuses the prompt prefix the slot holds from the request before (a later step repeats
    the file and test results); any other greedy one processes its whole prompt, so that its answer
    does not depend on what was asked before it (runtime.start_server).
    """
    if optional_params.get("n", 1) > runtime.MAX_SAMPLES:
        raise CustomLLMError(status_code=400, message=f"n is at most {runtime.MAX_SAMPLES} for the embedded model")
    passed = {k: optional_params[k] for k in _PASSED_PARAMS if k in optional_params}
    reuse = bool(optional_params.get("cache_prompt")) or passed.get("temperature", 0) > 0
    return {"messages": messages, **passed, "cache_prompt": reuse}


def _chat(request: dict[str, Any], timeout: float | None) -> dict[str, Any]:
    try:
        return runtime.chat(request, timeout)
    except TimeoutError as error:
        raise litellm.Timeout(message=str(error), model=LOCAL_MODEL, llm_provider=PROVIDER) from error
    except runtime.ReplyError as error:
        if error.kind == "exceed_context_size_error":
            # Already a litellm exception, so litellm passes it through and callers can shrink the prompt.
            raise litellm.ContextWindowExceededError(
                message=error.message, model=LOCAL_MODEL, llm_provider=PROVIDER
            ) from error
        raise CustomLLMError(status_code=error.code, message=error.message) from error


class LocalLLM(CustomLLM):
    """litellm handler for ``local/...`` models: one in-process llama.cpp server."""

    def completion(self, model: str, messages: list, model_response: ModelResponse, optional_params: dict,
                   timeout: float | None = None, **_: Any):
        reply = _chat(_request(messages, optional_params), timeout if isinstance(timeout, (int, float)) else None)
        model_response.choices = [
            Choices(
                index=n,
                message=Message(role="assistant", content=choice["message"].get("content") or ""),
                finish_reason=choice.get("finish_reason") or "stop",
            )
            for n, choice in enumerate(reply["choices"])
        ]
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
                "max_input_tokens": runtime.N_CTX,
                "max_tokens": runtime.N_CTX,
                "input_cost_per_token": 0.0,
                "output_cost_per_token": 0.0,
                "cache_creation_input_token_cost": 0.0,
                "cache_read_input_token_cost": 0.0,
            }
        }
    )


class Embedded:
    """The embedded model as the LLM's backend."""

    provider = PROVIDER
    # llama.cpp refuses more completions of one prompt than its server has slots ("n_cmpl cannot be greater
    # than the number of slots"). One request at a time: each generation already uses every core.
    capacity = Capacity(samples_per_request=runtime.BATCHED.slots, concurrent_requests=1)
    context_window = runtime.N_CTX

    def check(self, model: str) -> None:
        if model != LOCAL_MODEL:
            raise UsageError(f"unknown local model {model}: the embedded model is {LOCAL_MODEL}")
        register()


EMBEDDED = Embedded()
