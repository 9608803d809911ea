"""The first step's greedy reply on one case with the embedded model: what its seconds and tokens go to.

Run: python -m bench.probes first_step [--case 54_statistics]   (an idle machine)

The case's buggy file and its tests, as tgfix's first step sees them (the excerpt of a large file,
the answer begun with the first target's signature), one greedy proposal: its seconds, prompt and
completion tokens, whether it was cut off, the reply, and the size of the diff it makes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench import corpus
from tgfix import local
from tgfix.llm import LLM
from tgfix.loss import TestLoss
from tgfix.optimizer import TGD
from tgfix.variable import Variable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="54_statistics")
    args = parser.parse_args(argv)
    [case] = corpus.select([args.case])
    with tempfile.TemporaryDirectory(prefix="tgfix-bench-case-") as scratch:
        work = corpus.copy_case(case, Path(scratch) / case.name)
        x = Variable.from_file(work / case.file, root=work)
        loss = TestLoss(tests=work / case.tests)(x)
        local.load()
        started = time.perf_counter()
        [proposal] = TGD([x], LLM(local.default_model())).propose(loss)
        reply = proposal.reply
        print(f"{case.name}: {time.perf_counter() - started:.1f} s, {reply.prompt_tokens} prompt tokens, "
              f"{reply.completion_tokens} completion tokens, cut off: {reply.truncated}")
        print(f"diff: {len(proposal.diff):,} characters{'; unusable: ' + proposal.error if proposal.error else ''}")
        print(f"reply:\n{reply.text}")
    return 0
