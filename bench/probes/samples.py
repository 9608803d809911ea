"""What a later step's samples are worth, by prompt and temperature.

After a first answer that is not the fix, tgfix samples. This probe takes a case's first loss
and asks one step of tgfix's optimizer for a batch of samples (no greedy answer, no memory:
what a step after a step without a new idea asks), then tests every sample. Per arm it counts
the answers that return the file unchanged, the unusable ones, and the ones that fix the case.
The arms:

- step@0.8: tgfix's step prompt (prompts.REPAIR_STEP) at temperature 0.8, as today
- step@1.1: the same at temperature 1.1
- next@1.1: the step prompt at 1.1 showing the second failing test instead of the first (the
  first again where only one fails): whether another view of the failure breaks a repeat
- bare@0.8: the plain request (the file, the first failure, "the tests are correct, fix the
  bug"; bench.probes.first_prompt.BARE) at 0.8, the samples best-of-N draws

Run: python -m bench.probes samples [--cases GLOB,...] [--arms a,b] [--batches N] [--out DIR]
Rows go to DIR/samples.jsonl, one per case, arm and batch (rows already there are skipped: the
run resumes); the table to stdout and DIR/samples.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from bench import corpus
from bench.probes.first_prompt import BARE
from bench.probes.rows import check_names, resume, show
from tgfix import prompts
from tgfix.llm import LLM
from tgfix.local import default_model
from tgfix.loss import Loss, TestLoss
from tgfix.optimizer import TGD, Candidate
from tgfix.variable import Variable

# The small cases whose first answer is not the fix (bench/reports/embedded-1.5b-full).
LATER_CASES = "08_*,16_*,22_*,23_*,33_*,38_*"
BATCH = 4  # the embedded model's slots: one request
UNUSABLE_CHARS = 400  # of an unusable reply, kept in its row to see why


@dataclass(frozen=True)
class Arm:
    prompt: prompts.Prompt
    temperature: float
    failure: int = 0  # which failing test the prompt shows (modulo the number failing)


ARMS = {
    "step@0.8": Arm(prompts.REPAIR_STEP, 0.8),
    "step@1.1": Arm(prompts.REPAIR_STEP, 1.1),
    "next@1.1": Arm(prompts.REPAIR_STEP, 1.1, failure=1),
    "bare@0.8": Arm(BARE, 0.8),
}


def run_one(case: corpus.Case, name: str, batch: int, model: str, max_tokens: int) -> dict:
    arm = ARMS[name]
    with tempfile.TemporaryDirectory(prefix="tgfix-samples-") as scratch:
        work = corpus.copy_case(case, Path(scratch) / case.name)
        x = Variable.from_file(work / case.file, root=work)
        problem = (work / case.problem).read_text() if case.problem else ""
        loss = _showing(TestLoss(tests=str(work / case.tests), problem=problem, localize=True)(x), arm.failure)
        engine = LLM(model, max_tokens=max_tokens, temperature=arm.temperature, seed=1000 * batch)
        optimizer = TGD([x], engine, edit_format="whole", candidates=BATCH, prompt=arm.prompt, second_opinion=None)
        optimizer.proposed = 1  # a later step: every answer sampled
        started = time.monotonic()
        step = optimizer.step(loss)
        seconds = time.monotonic() - started
    return {"case": case.name, "arm": name, "batch": batch, "model": model, "max_tokens": max_tokens,
            "before": len(step.before.passed), "total": len(step.before.cases),
            "answers": [_answer(c) for c in step.candidates], "verdicts": [c.verdict for c in step.candidates],
            "unusable": [c.proposal.reply.text[:UNUSABLE_CHARS] for c in step.candidates
                         if _answer(c) == "unusable" and c.proposal.reply],
            "completion_tokens": engine.usage.completion_tokens, "seconds": round(seconds, 2)}


def _showing(loss: Loss, failure: int) -> Loss:
    """The loss with its failure number `failure` moved first: the one the step prompt shows."""
    failures = loss.report.failures
    if not failures:
        return loss
    shown = failures[failure % len(failures)]
    cases = (shown,) + tuple(c for c in loss.report.cases if c is not shown)
    return replace(loss, report=replace(loss.report, cases=cases))


def _answer(candidate: Candidate) -> str:
    """unchanged, unusable, or the tests it passes ("5/7")."""
    if candidate.report is None:
        return "unchanged" if candidate.verdict == "no change" else "unusable"
    return candidate.report.score


def table(rows: list[dict], arms: list[str]) -> str:
    lines = ["| arm | answers | unchanged | unusable | fixes | cases fixed | completion tokens | seconds |",
             "|---|---|---|---|---|---|---|---|"]
    for name in arms:
        mine = [r for r in rows if r["arm"] == name]
        answers = [(r, a) for r in mine for a in r["answers"]]
        fixes = [r["case"] for r, a in answers if a == f"{r['total']}/{r['total']}"]
        lines.append(f"| {name} | {len(answers)} | {sum(a == 'unchanged' for _, a in answers)} | "
                     f"{sum(a == 'unusable' for _, a in answers)} | {len(fixes)} | {len(set(fixes))} | "
                     f"{sum(r['completion_tokens'] for r in mine)} | {sum(r['seconds'] for r in mine):.0f} |")
    lines += ["", "| case | " + " | ".join(arms) + " |", "|---|" + "---|" * len(arms)]
    for case in sorted({r["case"] for r in rows}):
        cells = [" ".join(a for r in rows if r["case"] == case and r["arm"] == name for a in r["answers"])
                 for name in arms]
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--cases", default=LATER_CASES)
    parser.add_argument("--arms", default=",".join(ARMS))
    parser.add_argument("--batches", type=int, default=1)
    parser.add_argument("--max-tokens", type=int, default=4096)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args(argv)
    model, arms = args.model or default_model(), args.arms.split(",")
    check_names(parser, "arms", arms, ARMS)
    jobs = (((case.name, name, batch, model), partial(run_one, case, name, batch, model, args.max_tokens))
            for batch in range(args.batches) for case in corpus.select(args.cases.split(",")) for name in arms)
    rows = resume(args.out / "samples.jsonl", model, jobs,
                  key=lambda r: (r["case"], r["arm"], r["batch"], r["model"]),
                  describe=lambda r: f"{r['case']} {r['arm']} #{r['batch']}: {' '.join(r['answers'])} "
                                     f"({r['seconds']:.0f} s)")
    mine = [r for r in rows if r["model"] == model and r["arm"] in arms]
    return show(args.out / "samples.md", table(mine, arms))

