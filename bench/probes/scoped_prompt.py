"""Prompt tokens per call on a 1,382-line module, whole file against excerpt (tgfix.excerpt), without a model.

CPython 3.11's configparser.py (the fixed module of bench/cases/55_configparser, PSF license) gets one bug, a
dropped `not` in RawConfigParser._convert_to_boolean, and a suite of its own (two tests fail).
Three iterations of tgfix's engine run on it for real (tests, coverage) with scripted replies
(every proposal a rejected variant of the buggy method), without the critic (the embedded model's
default) and with it on every iteration (`--gradient always`), each once as before the excerpt
(every prompt holds the whole file) and once with it. For every call: the prompt's tokens, the prefix it shares with the call before it, and the
tokens the embedded runtime processes (all of the run's first prompt; of every later one, what follows
the prefix it shares with the call before: tgfix.llm asks llama.cpp's prompt cache to reuse it).
Tokens are estimated at 3 characters a token (the GGUF tokenizer needs the model loaded).

Run: python -m bench.probes scoped_prompt [--replay]   (--replay: the seconds on the embedded model too)
Goal: at least 5x fewer prompt tokens per call than the whole file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import tgfix as tg
from tgfix import excerpt, llm
from tgfix.session import CHARS_PER_TOKEN

GOAL = 5.0
MODULE = Path(__file__).resolve().parents[1] / "cases" / "55_configparser" / "fixed" / "cfg_parser.py"
BUG = ("        if value.lower() not in self.BOOLEAN_STATES:\n", "        if value.lower() in self.BOOLEAN_STATES:\n")
TESTS = '''\
import pytest

import cfgparser


def parser(text):
    config = cfgparser.ConfigParser()
    config.read_string(text)
    return config


def test_getboolean_reads_yes_and_no():
    config = parser("[s]\\na = yes\\nb = no\\n")
    assert config.getboolean("s", "a") is True
    assert config.getboolean("s", "b") is False


def test_getboolean_refuses_other_words():
    with pytest.raises(ValueError):
        parser("[s]\\na = maybe\\n").getboolean("s", "a")


def test_section_proxy_getboolean():
    assert parser("[s]\\nflag = on\\n")["s"].getboolean("flag") is True


def test_getint():
    assert parser("[s]\\nn = 42\\n").getint("s", "n") == 42


def test_sections_and_options():
    config = parser("[a]\\nx = 1\\n[b]\\ny = 2\\n")
    assert config.sections() == ["a", "b"] and config.options("b") == ["y"]
'''
CRITIQUE = "The code fails test_getboolean_reads_yes_and_no because _convert_to_boolean raises for a known word."


@dataclass(frozen=True)
class Call:
    role: str            # critic | editor
    sampled: bool        # temperature > 0: the runtime reuses the cached prefix
    prompt_tokens: int
    shared_tokens: int   # the prefix shared with the call before it

    first: bool          # the run's first call reads its prompt whole; later ones reuse the shared prefix

    @property
    def processed(self) -> int:
        return self.prompt_tokens if self.first else self.prompt_tokens - self.shared_tokens


def project(scratch: Path) -> Path:
    source = MODULE.read_text()
    assert source.count(BUG[0]) == 1
    (scratch / "tests").mkdir(parents=True)
    (scratch / "cfgparser.py").write_text(source.replace(*BUG))
    (scratch / "tests" / "test_cfgparser.py").write_text(TESTS)
    return scratch


def reply(request: dict, attempts: list[int]) -> str:
    """A critique for the critic; for the editor a changed `_convert_to_boolean` that keeps the bug."""
    if request["messages"][-1]["content"].rstrip().endswith("Do not write code."):
        return CRITIQUE
    attempts.append(len(attempts) + 1)
    return ("```python\nclass RawConfigParser:\n    def _convert_to_boolean(self, value):\n"
            "        if value.lower() in self.BOOLEAN_STATES:\n"
            f"            raise ValueError('Not a boolean (attempt {attempts[-1]}): %s' % value)\n"
            "        return self.BOOLEAN_STATES[value.lower()]\n```")


def scripted_run(root: Path, iterations: int, critic: bool, sent: list | None = None) -> list[Call]:
    """The calls of `iterations` iterations (a critique, if `critic`, and a step) on the project, as the
    prompts went out (their messages appended to `sent`)."""
    requests, attempts = [], []
    real = llm.litellm.completion

    def completion(**request):
        requests.append(request)
        return real(**request, mock_response=reply(request, attempts))

    x = tg.Variable.from_file(root / "cfgparser.py", root=root)
    engine = tg.LLM("openai/scripted", cache=None)
    optimizer = tg.TGD([x], model=engine)
    loss_fn = tg.TestLoss(tests=root / "tests")
    with mock.patch.object(llm.litellm, "completion", completion):
        for _ in range(iterations):
            loss = loss_fn(x)
            if critic:
                tg.backward(loss, engine)
            optimizer.step(loss)
    calls, before = [], ""
    if sent is not None:
        sent += [request["messages"] for request in requests]
    for request in requests:
        text = "\n".join(m["content"] for m in request["messages"])
        critic = text.rstrip().endswith("Do not write code.")
        calls.append(Call("critic" if critic else "editor", request["temperature"] > 0, tokens(text),
                          tokens(os.path.commonprefix([before, text])), first=not calls))
        before = text
    return calls


def replay(prompts: list[list[dict]]) -> str:
    """The prompts on the embedded model, 16-token answers, each call's prompt seconds: every prompt read
    whole, then every prompt after the first reusing the prefix the one before it left (tgfix.llm)."""
    from tgfix import local
    from tgfix.local import runtime

    local.load()
    out = ["| call | whole prompt: s (tokens processed) | prefix reused: s (tokens processed, reused) |", "|---|---|---|"]
    rows = {n: [] for n in range(len(prompts))}
    for reuse in (False, True):
        for n, messages in enumerate(prompts):
            started = time.perf_counter()
            reply = runtime.chat({"messages": messages, "temperature": 0, "seed": 1, "max_tokens": 16,
                                  "cache_prompt": reuse and n > 0})
            timings = reply.get("timings", {})
            rows[n].append((time.perf_counter() - started, timings.get("prompt_n"), timings.get("cache_n")))
    for n, ((whole, processed, _), (reused, processed_now, cached)) in rows.items():
        out.append(f"| {n + 1} | {whole:.1f} ({processed}) | {reused:.1f} ({processed_now}, {cached}) |")
    totals = [sum(row[arm][0] for row in rows.values()) for arm in (0, 1)]
    out.append(f"| all | {totals[0]:.1f} | {totals[1]:.1f} |")
    return "\n".join(out)


def tokens(text: str) -> int:
    return round(len(text) / CHARS_PER_TOKEN)


def table(name: str, calls: list[Call]) -> str:
    out = [f"{name}:", "| call | role | sampled | prompt tokens | shared with the call before | processed by the runtime |",
           "|---|---|---|---|---|---|"]
    out += [f"| {n} | {c.role} | {'yes' if c.sampled else 'no (greedy)'} | {c.prompt_tokens:,} | {c.shared_tokens:,} | "
            f"{c.processed:,} |" for n, c in enumerate(calls, 1)]
    out.append(f"| all | | | {sum(c.prompt_tokens for c in calls):,} | {sum(c.shared_tokens for c in calls):,} | "
               f"{sum(c.processed for c in calls):,} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--replay", action="store_true",
                        help="also send the default run's excerpt prompts to the embedded model (idle machine)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tgfix-bench-scoped-") as scratch:
        root = project(Path(scratch))
        lines, chars = root.joinpath("cfgparser.py").read_text().count("\n"), len(MODULE.read_text())
        print(f"cfgparser.py: {lines:,} lines, {chars:,} characters, about {chars // CHARS_PER_TOKEN:,} tokens")
        for critic in (False, True):
            with mock.patch.object(excerpt, "LARGE_FILE_CHARS", sys.maxsize):
                whole = scripted_run(root, args.iterations, critic)
            sent = []
            scoped = scripted_run(root, args.iterations, critic, sent)
            print(f"\n## {'with the critic (--gradient always)' if critic else 'without the critic (default)'}\n")
            print(table("whole file (before)", whole))
            print(table("\nexcerpt", scoped))
            per_call = sum(c.prompt_tokens for c in whole) / sum(c.prompt_tokens for c in scoped)
            processed = sum(c.processed for c in whole) / sum(c.processed for c in scoped)
            print(f"\nprompt tokens per call: {per_call:.1f}x fewer with the excerpt (goal {GOAL:.0f}x); "
                  f"tokens the runtime processes: {processed:.1f}x fewer")
            if args.replay and not critic:
                print(f"\nthe excerpt prompts on the embedded model (load {os.getloadavg()[0]:.2f}):\n{replay(sent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
