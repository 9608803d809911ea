"""A step's K candidates from a remote model: seconds when its requests go one after another (tgfix
before issue 27) and at once (LLM.sample now), against the tests' fake OpenAI server answering each
request after a fixed delay, the round trip. No model runs: it takes seconds on any machine.

Run: python -m bench.probes remote_candidates [--delay 1.0] [--ks 1,2,4,8]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from fake_openai import FakeOpenAI  # noqa: E402  (the tests' server: one fake, not two)

from tgfix.llm import LLM, REMOTE  # noqa: E402

MESSAGES = [{"role": "user", "content": "Fix the file."}]


def one_after_another(engine: LLM, k: int) -> None:
    for seed in range(k):
        engine(MESSAGES, seed=seed, temperature=0.8)


def at_once(engine: LLM, k: int) -> None:
    engine.sample(MESSAGES, k, seed=0, temperature=0.8)


def seconds(ask, k: int, delay: float) -> tuple[float, int]:
    """Wall-clock seconds to get k answers, and the most requests the server had under way at once."""
    with FakeOpenAI(["```python\npass\n```"], delay=delay) as server:
        engine = LLM("openai/bench", api_base=server.base_url)
        engine(MESSAGES)  # litellm's first request costs a second or two more: not the step's
        started = time.monotonic()
        ask(engine, k)
        return time.monotonic() - started, server.most_in_flight


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the server takes per request (1.0)")
    parser.add_argument("--ks", default="1,2,4,8", help="candidates per step to time (1,2,4,8)")
    args = parser.parse_args(argv)
    print(f"round trip {args.delay:g} s; at most {REMOTE.concurrent_requests} requests at once\n")
    print("| K | one after another | at once | round trips at once | most under way |")
    print("|---|---|---|---|---|")
    for k in (int(k) for k in args.ks.split(",")):
        before, _ = seconds(one_after_another, k, args.delay)
        now, most = seconds(at_once, k, args.delay)
        print(f"| {k} | {before:.2f} s | {now:.2f} s | {now / args.delay:.1f} | {most} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
