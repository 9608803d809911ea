"""Model access: parameters honoured, a cache key stable across processes, cost accounted."""

import os
import signal
import subprocess
import sys
import threading
import time

import litellm
import pytest

from fake_openai import FakeOpenAI, Raw
from tgfix.budget import Budget, BudgetSpent
from tgfix.errors import ModelUnavailable
from tgfix.llm import LLM, REMOTE, DiskCache, Usage
from tgfix.local import EMBEDDED, LOCAL_MODEL

MESSAGES = [{"role": "user", "content": "hi"}]
ROUND_TRIP = 1.5  # seconds the fake server takes to answer


def by_seed(request):
    return f"seed {request['seed']}"


def test_parameters_reach_litellm(scripted):
    scripted.append("hello")
    reply = LLM("openai/scripted", temperature=0.3, seed=7, max_tokens=99)(MESSAGES)
    request = scripted.requests[0]
    assert (request["temperature"], request["seed"], request["max_tokens"]) == (0.3, 7, 99)
    assert reply.text == "hello" and reply.completion_tokens > 0


def test_disk_cache_hit_costs_nothing(scripted, tmp_path):
    scripted.append("hello")
    engine = LLM("openai/gpt-4o-mini", cache=DiskCache(tmp_path))
    first, second = engine(MESSAGES), engine(MESSAGES)
    assert len(scripted.requests) == 1
    assert second.cached and second.text == first.text and second.cost == 0
    assert engine.usage.calls == 2 and engine.usage.cached_calls == 1
    assert engine.usage.cost == first.cost > 0


def test_cache_key_changes_with_sampling_parameters():
    base = {"model": "m", "messages": MESSAGES, "temperature": 0, "seed": 1, "max_tokens": 10}
    keys = {DiskCache.key(base), DiskCache.key({**base, "seed": 2}), DiskCache.key({**base, "temperature": 0.5})}
    assert len(keys) == 3


@pytest.mark.slow
def test_cache_key_is_stable_across_processes():
    code = ("from tgfix.llm import DiskCache; print(DiskCache.key({'model': 'm', 'messages': "
            "[{'role': 'user', 'content': 'hi'}], 'seed': 1}))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2)}
    assert len(keys) == 1 and len(keys.pop().strip()) == 64


@pytest.mark.model
def test_embedded_model_samples_several_answers_in_one_request(tmp_path):
    engine = LLM("local/qwen2.5-coder-1.5b", max_tokens=12, cache=DiskCache(tmp_path))
    messages = [{"role": "user", "content": "Name a prime number between 10 and 100."}]
    replies = engine.sample(messages, 3, temperature=0.8, seed=1)
    assert len(replies) == 3 and all(reply.text for reply in replies)
    assert engine.usage.calls == 3 and replies[1].prompt_tokens == 0 < replies[0].prompt_tokens
    again = engine.sample(messages, 3, temperature=0.8, seed=1)
    assert [r.text for r in again] == [r.text for r in replies] and all(r.cached for r in again)


def test_no_call_is_made_past_the_deadline(scripted):
    scripted.append("hello")
    engine = LLM("openai/scripted", budget=Budget(deadline=time.monotonic() - 1))
    with pytest.raises(BudgetSpent, match="time budget spent"):
        engine(MESSAGES)
    assert scripted.requests == []


def test_an_answer_cut_off_at_the_deadline_counts_as_model_time(scripted):
    def slow_then_cut_off(request):
        time.sleep(0.3)
        raise litellm.Timeout(message="cut off", model="scripted", llm_provider="openai")

    scripted.append(slow_then_cut_off)
    engine = LLM("openai/scripted", budget=Budget(deadline=time.monotonic() + 0.2))
    with pytest.raises(BudgetSpent, match="cut off"):
        engine(MESSAGES)
    assert engine.usage.seconds >= 0.3 and engine.usage.calls == 0


def test_a_call_gets_the_seconds_left_as_its_timeout(scripted):
    scripted.append("hello")
    LLM("openai/scripted", budget=Budget(deadline=time.monotonic() + 30))(MESSAGES)
    assert 25 < scripted.requests[0]["timeout"] <= 30


# -----------------------------------------------------------------------------
# engines know their limits: samples in batches the server allows, a remote model's requests at once


def batches(requests) -> list[tuple]:
    return [(request.get("n"), request["seed"], request["temperature"]) for request in requests]


def test_more_samples_than_the_embedded_model_has_slots_go_in_batches(scripted, tmp_path):
    assert EMBEDDED.capacity.samples_per_request == 4
    scripted += ["four", "one"]
    engine = LLM(LOCAL_MODEL, cache=DiskCache(tmp_path))
    replies = engine.sample(MESSAGES, 5, seed=3, temperature=0.8)
    assert batches(scripted.requests) == [(4, 3, 0.8), (None, 7, 0.8)]  # seeds 3-6 in one request, then 7
    assert [r.text for r in replies] == ["four"] * 4 + ["one"] and engine.usage.calls == 5
    again = engine.sample(MESSAGES, 5, seed=3, temperature=0.8)  # no script left: from the cache
    assert [r.text for r in again] == [r.text for r in replies] and all(r.cached for r in again)


def test_the_greedy_answer_comes_first_as_a_call_gives_it(scripted, tmp_path):
    scripted += ["greedy", "four", "one", "greedy again"]
    engine = LLM(LOCAL_MODEL, cache=DiskCache(tmp_path))
    replies = engine.sample(MESSAGES, 6, greedy_first=True, seed=1, temperature=0.8)
    assert batches(scripted.requests) == [(None, 0, 0.0), (4, 1, 0.8), (None, 5, 0.8)]
    assert [r.text for r in replies] == ["greedy"] + ["four"] * 4 + ["one"]
    assert engine(MESSAGES).cached  # the same request as the first: the same greedy answer


def test_after_a_runs_first_answer_the_embedded_model_reuses_the_prompt_prefix(scripted):
    scripted += ["first", "second", "remote"]
    engine = LLM(LOCAL_MODEL)
    engine(MESSAGES), engine(MESSAGES + [{"role": "user", "content": "and then?"}])
    LLM("openai/scripted", usage=engine.usage)(MESSAGES)
    assert [r.get("cache_prompt") for r in scripted.requests] == [None, True, None]  # remote servers: their own rule


@pytest.mark.slow
def test_a_remote_models_samples_are_requested_at_once():
    with FakeOpenAI([by_seed], delay=ROUND_TRIP) as server:
        engine = LLM("openai/x", api_base=server.base_url)
        engine(MESSAGES)  # litellm's first request costs a second or two more
        started, before = time.monotonic(), engine.usage.snapshot()
        replies = engine.sample(MESSAGES, 4, seed=10, temperature=0.8)
        took, spent = time.monotonic() - started, engine.usage.since(before)
    assert [r.text for r in replies] == ["seed 10", "seed 11", "seed 12", "seed 13"]  # in order, whatever came first
    assert server.most_in_flight == 4
    assert took < 2 * ROUND_TRIP, f"4 samples took {took:.1f} s"
    assert spent.calls == 4
    assert ROUND_TRIP <= spent.seconds < 2 * ROUND_TRIP  # the time waited, not each request's summed


def test_no_more_remote_requests_are_under_way_than_the_cap():
    with FakeOpenAI([by_seed], delay=ROUND_TRIP / 2) as server:
        replies = LLM("openai/x", api_base=server.base_url).sample(MESSAGES, 8, seed=0, temperature=0.8)
    assert [r.text for r in replies] == [f"seed {k}" for k in range(8)]
    assert server.most_in_flight == REMOTE.concurrent_requests == 4


@pytest.mark.slow
def test_a_request_that_fails_fails_the_sample_and_the_others_still_count():
    def refuse_one(request):
        if request["seed"] == 11:
            return Raw({"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}}, 401)
        return Raw({"id": "x", "object": "chat.completion", "created": 0, "model": "x",
                    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant",
                                                                                 "content": "ok"}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}, delay=ROUND_TRIP)

    with FakeOpenAI([refuse_one]) as server:
        engine = LLM("openai/x", api_base=server.base_url)
        with pytest.raises(ModelUnavailable, match=r"refused the key \(401\)"):
            engine.sample(MESSAGES, 4, seed=10, temperature=0.8)
    assert len(server.requests) == 4  # a refused key is not asked again
    assert engine.usage.calls == 3  # the answers under way came, and were paid for


@pytest.mark.slow
def test_the_deadline_ends_every_remote_request_under_way():
    with FakeOpenAI(["never sent"], delay=100) as server:
        engine = LLM("openai/x", api_base=server.base_url, budget=Budget(deadline=time.monotonic() + ROUND_TRIP))
        started = time.monotonic()
        with pytest.raises(BudgetSpent, match="cut off"):
            engine.sample(MESSAGES, 4, seed=0, temperature=0.8)
        took = time.monotonic() - started
    assert took < ROUND_TRIP + 2
    assert len(server.requests) == 4 and engine.usage.cut_off == 4 and engine.usage.calls == 0
    assert engine.usage.seconds < ROUND_TRIP + 2  # waited once, not four times


def test_ctrl_c_does_not_wait_for_the_remote_requests_under_way():
    with FakeOpenAI(["late"], delay=60) as server:
        engine = LLM("openai/x", api_base=server.base_url)
        threading.Timer(ROUND_TRIP, os.kill, (os.getpid(), signal.SIGINT)).start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            engine.sample(MESSAGES, 4, seed=0, temperature=0.8)
        took = time.monotonic() - started
    assert ROUND_TRIP <= took < ROUND_TRIP + 2
