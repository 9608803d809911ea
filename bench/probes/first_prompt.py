"""Which first prompt repairs most in one greedy proposal: tgfix's first step, prompt by prompt.

For every case and variant: a fresh copy of the case, its loss as tgfix computes it (with or
without suspicious lines), and one step of tgfix's optimizer (TGD: one greedy proposal, the
function-scoped fallback included) with the variant as its first prompt. A case is solved
when that step's candidate passes every test. The variants:

- today: tgfix's repair prompt (prompts.REPAIR_STEP, as a first step reads it): the file, the
  first failure and the suspicious lines of coverage-based localization
- first-only: today's without the suspicious lines (tgfix's first step until bench.probes.first_prompt
  chose today's; its rows were named "today" then, and today's "first+suspicious")
- bare: the issue's bare prompt, whole file back
- several: first-only with up to 8 failures instead of the first
- several+suspicious: today's with up to 8 failures
- long: the later steps' prompt until bench/reports/step-prompt (role, all failures, suspicious
  lines, constraints)

Run: python -m bench.probes first_prompt [--cases GLOB,...] [--variants a,b] [--out DIR]
Rows go to DIR/first_prompt.jsonl (rows already there are skipped: the run resumes); the
table to stdout and DIR/first_prompt.md. Greedy decoding makes each row reproducible.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from string import Template

from bench import corpus
from bench.probes.rows import check_names, resume, show
from tgfix import prompts
from tgfix.budget import Budget
from tgfix.llm import LLM, Usage
from tgfix.local import default_model
from tgfix.loss import TestLoss
from tgfix.optimizer import TGD
from tgfix.variable import Variable

FIRST_CASES = "0[13579]_*,1[13579]_*,2[13579]_*,31_*,41_*,46_*"  # the search table's 18 cases
CALLS = 2  # the greedy proposal, and the whole-file retry when a function-scoped reply does not fit


@dataclass(frozen=True)
class Variant:
    prompt: prompts.Prompt
    localize: bool = False
    edit_format: str = "auto"


def _today_with(failures: str) -> prompts.Prompt:
    """tgfix's first step with another view of the failures in place of the first one's loss."""
    user = prompts.REPAIR_STEP.user.template.replace("$first_loss", failures)
    return prompts.Prompt(prompts.REPAIR_STEP.system, Template(user))


# tgfix's plain request (prompts.BARE_REPAIR) with the first failure as the loss shows it
BARE = prompts.Prompt(prompts.BARE_REPAIR.system,
                      Template(prompts.BARE_REPAIR.user.template.replace("$failure", "$first_failure")))

LONG = prompts.Prompt(
    system="""\
You are the optimizer of a code-repair tool. You receive a source file and the results of \
its tests, sometimes with a critique of the file, and you correct the file so the tests pass.""",
    user=Template("""\
The variable to improve is `$name`, $role.
$problem
<FILE name="$name">
$file
</FILE>

<TEST_RESULTS>
$loss
</TEST_RESULTS>
$feedback$memory
<CONSTRAINTS>
1. Never change the tests; they are correct.
2. Keep every public name and function signature.
3. Make the smallest change that fixes the failures; keep the rest of the file as it is.
4. Keep the imports the file needs.
</CONSTRAINTS>

$answer_format"""))

VARIANTS = {
    "today": Variant(prompts.REPAIR_STEP, localize=True),
    "first-only": Variant(_today_with("The first failing test ($score passing):\n$first_failure")),
    "bare": Variant(BARE, edit_format="whole"),
    "several": Variant(_today_with("$loss")),
    "several+suspicious": Variant(_today_with("$loss"), localize=True),
    "long": Variant(LONG, localize=True),
}


def run_one(case: corpus.Case, name: str, model: str, max_tokens: int) -> dict:
    variant = VARIANTS[name]
    with tempfile.TemporaryDirectory(prefix="tgfix-first-prompt-") as scratch:
        work = corpus.copy_case(case, Path(scratch) / case.name)
        x = Variable.from_file(work / case.file, root=work)
        problem = (work / case.problem).read_text() if case.problem else ""
        loss = TestLoss(tests=str(work / case.tests), problem=problem, localize=variant.localize)(x)
        engine = LLM(model, max_tokens=max_tokens, budget=Budget(max_calls=CALLS))
        optimizer = TGD([x], engine, edit_format=variant.edit_format, prompt=variant.prompt, second_opinion=None)
        started = time.monotonic()
        step = optimizer.step(loss)
        seconds = time.monotonic() - started
    return {"case": case.name, "variant": name, "model": model, "max_tokens": max_tokens,
            "solved": step.after.all_passed, "passed": len(step.after.passed), "total": len(step.after.cases),
            "before": len(step.before.passed), "verdict": step.reason,
            "edit_format": step.candidates[0].proposal.edit_format, "calls": engine.usage.calls,
            "prompt_tokens": engine.usage.prompt_tokens, "completion_tokens": engine.usage.completion_tokens,
            "seconds": round(seconds, 2)}


def table(rows: list[dict], variants: list[str]) -> str:
    by_case: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_case.setdefault(row["case"], {})[row["variant"]] = row
    lines = ["| variant | solved | tests passing | completion tokens | seconds |", "|---|---|---|---|---|"]
    for name in variants:
        mine = [r for r in rows if r["variant"] == name]
        lines.append(f"| {name} | {sum(r['solved'] for r in mine)}/{len(mine)} | "
                     f"{sum(r['passed'] for r in mine)}/{sum(r['total'] for r in mine)} | "
                     f"{sum(r['completion_tokens'] for r in mine)} | {sum(r['seconds'] for r in mine):.0f} |")
    lines += ["", "| case | " + " | ".join(variants) + " |", "|---|" + "---|" * len(variants)]
    for case, cells in sorted(by_case.items()):
        marks = [_mark(cells.get(name)) for name in variants]
        lines.append(f"| {case} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


def _mark(row: dict | None) -> str:
    if row is None:
        return ""
    return f"**{row['passed']}/{row['total']}**" if row["solved"] else f"{row['passed']}/{row['total']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--cases", default=FIRST_CASES)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--max-tokens", type=int, default=3072)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args(argv)
    model, variants = args.model or default_model(), args.variants.split(",")
    check_names(parser, "variants", variants, VARIANTS)
    jobs = (((case.name, name, model, args.max_tokens), partial(run_one, case, name, model, args.max_tokens))
            for case in corpus.select(args.cases.split(",")) for name in variants)
    rows = resume(args.out / "first_prompt.jsonl", model, jobs,
                  key=lambda r: (r["case"], r["variant"], r["model"], r["max_tokens"]),
                  describe=lambda r: f"{r['case']} {r['variant']}: "
                                     f"{'solved' if r['solved'] else 'not solved'} "
                                     f"({r['passed']}/{r['total']}, {r['seconds']:.0f} s)")
    mine = [r for r in rows if r["model"] == model and r["max_tokens"] == args.max_tokens and r["variant"] in variants]
    return show(args.out / "first_prompt.md", table(mine, variants))

