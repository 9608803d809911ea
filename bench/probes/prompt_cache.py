"""Prompt reuse on the embedded model: does a later step's prompt reuse the earlier step's prefix?

Run: python -m bench.probes prompt_cache [--case 49_text_table] [--tokens 16]

A later step sends the same file and test results as the step before it, with one more
remembered attempt at the end. On the single-slot server this times the later step's sampled
request after the earlier one's, with llama.cpp's prompt cache off (every request processes
its whole prompt) and on (what tgfix sends for sampled requests), and on again with a greedy
request for another prompt in between (the critique, which evicts the slot). Answers are
`--tokens` long, so the seconds are the prompt's. Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench import corpus
from bench.probes.model_speed import load_average, repair_prompt
from tgfix import local
from tgfix.local import runtime

REMEMBERED = "\n\nAn earlier attempt was rejected: it broke tests.test_table.test_render."


def later_step(messages: list[dict]) -> list[dict]:
    *head, user = messages
    return [*head, {**user, "content": user["content"] + REMEMBERED}]


def critique_like(messages: list[dict]) -> list[dict]:
    *_, user = messages
    return [{"role": "system", "content": "You are a critic."}, {**user, "content": "Explain the bug.\n" + user["content"]}]


def send(messages: list[dict], tokens: int, cached: bool, seed: int = 1, temperature: float = 0.8) -> tuple[float, dict]:
    request = {"messages": messages, "temperature": temperature, "seed": seed, "max_tokens": tokens,
               "cache_prompt": cached}
    started = time.perf_counter()
    reply = runtime.chat(request)
    return time.perf_counter() - started, reply


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="49_text_table")
    parser.add_argument("--tokens", type=int, default=16)
    args = parser.parse_args(argv)
    [case] = corpus.select([args.case])
    with tempfile.TemporaryDirectory(prefix="tgfix-bench-case-") as scratch:
        earlier = repair_prompt(case, Path(scratch))
    later = later_step(earlier)
    local.load()
    print(f"{case.name}, answers of {args.tokens} tokens; load {load_average()}")
    runs = {
        "cache off": [(earlier, False), (later, False)],
        "cache on": [(earlier, True), (later, True)],
        "cache on, a greedy request between": [(earlier, True), (critique_like(earlier), None), (later, True)],
    }
    for name, requests in runs.items():
        for messages, cached in requests[:-1]:
            send(messages, args.tokens, bool(cached), temperature=0.8 if cached is not None else 0)
        messages, cached = requests[-1]
        seconds, reply = send(messages, args.tokens, cached, seed=2)
        timings = reply.get("timings", {})
        print(f"  {name}: later step {seconds:.1f} s; prompt {reply['usage']['prompt_tokens']} tokens, "
              f"{timings.get('cache_n', '?')} reused, {timings.get('prompt_n', '?')} processed")
    return 0

