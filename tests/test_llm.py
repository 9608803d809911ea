"""Model access: parameters honoured, a cache key stable across processes, cost accounted."""

import subprocess
import sys
import time

import litellm
import pytest

from tgfix.budget import Budget, BudgetSpent
from tgfix.llm import LLM, DiskCache

MESSAGES = [{"role": "user", "content": "hi"}]


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
