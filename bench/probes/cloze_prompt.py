"""What the first cloze of each large case reads: its characters, and of what, without a model.

Run: python -m bench.probes cloze_prompt [--cases '5[4-9]_*,6*']

For each case, the buggy module's first forward pass (its tests, with coverage) and the prompt of
the first line tgfix asks for again (TGD._cloze): the characters of the whole request (messages and
the begun answer; about 3 a token), and of its parts: the file's excerpt, the failing tests' source,
the first failure, and the target as the cloze shows it. The run's first request reads all of it;
the later clozes of a run reuse the prefix they share with it (the excerpt and the tests).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench import corpus
from tgfix import excerpt, optimizer, scope
from tgfix.loss import TestLoss, flaky_at_start
from tgfix.variable import Variable

LARGE_CASES = "5[4-9]_*,6*"


def first_cloze(case: corpus.Case) -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="tgfix-bench-case-") as scratch:
        work = corpus.copy_case(case, Path(scratch) / case.name)
        x = Variable.from_file(work / case.file, root=work)
        loss = flaky_at_start([TestLoss(tests=work / case.tests)(x)])[0]  # as tgfix solve starts
        asked = excerpt.pointed_lines(loss)[0]
        old = scope.python_lines(x.value)[asked.line - 1]
        shown = excerpt.brief(asked.target, asked.line)
        messages = optimizer._cloze_messages(loss, asked, shown, old)
        tests = excerpt.failing_test_sources(x.root, loss.report.failures)
        return {
            "request": sum(len(m["content"]) for m in messages) + len(scope.answer_start(shown, asked.line)),
            "excerpt": len(excerpt.file_excerpt(x.value, excerpt.failure_targets(loss), tests, asked.target)),
            "tests": len(tests),
            "failure": len(optimizer._first_failure(loss)),
            "target": len(shown.text),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=LARGE_CASES)
    args = parser.parse_args(argv)
    cases = corpus.select(args.cases.split(","))
    print("| case | request chars | excerpt | failing tests | first failure | target |")
    print("|---|---|---|---|---|---|")
    total = 0
    for case in cases:
        sizes = first_cloze(case)
        total += sizes["request"]
        print(f"| {case.name} | {' | '.join(f'{n:,}' for n in sizes.values())} |", flush=True)
    print(f"\n{total:,} characters in all ({total // 3:,} tokens at 3 characters a token)")
    return 0
