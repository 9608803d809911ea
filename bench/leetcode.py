"""LeetCode-style examples: hidden-test pass rate of zero-shot vs tgfix, and the speed-ups of polish.

    python -m bench.leetcode --model local/qwen2.5-coder-1.5b [--calls 4] [--polish-iters 2] [--only two_sum]
    python -m bench.leetcode --corpus polish --out bench/reports/polish   # polish alone, tgfix's default budget

The shape of the TextGrad paper's code experiment (LeetCode-Hard, test-time training): each
method sees the problem statement and the starting solution of examples/leetcode/<name>/,
and is judged on hidden tests (hidden/) that no method ever sees.
- zero-shot: one model call, problem + starting solution -> the whole file.
- tgfix: `tgfix solve --problem problem.md --tests tests` (the visible tests), --calls model calls.
- polish: `tgfix polish --bench-cmd ...` on the slow-but-correct solutions: the speed-up of
  the benchmark's median time, and the hidden tests afterwards (speed must not cost correctness).

`--corpus polish` (bench/polish/, 13 slow-but-correct problems) runs polish alone, at tgfix's
default budget unless --polish-iters is given; with --out, each problem's row is appended to
results.jsonl as it finishes and a rerun skips the problems already there (run it on an idle machine).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from string import Template

from bench.corpus import commit_everything
from tgfix import patch, prompts
from tgfix.budget import Budget
from tgfix.config import Settings
from tgfix.formatting import seconds
from tgfix.llm import LLM
from tgfix.local import default_model
from tgfix.commands.polish import polish
from tgfix.commands.solve import solve
from tgfix.runner import TestReport, TestSpec, run_tests
from tgfix.session import Run, engines, run_budget

CORPORA = {"examples": Path(__file__).resolve().parent.parent / "examples" / "leetcode",
           "polish": Path(__file__).resolve().parent / "polish"}
FILE = "solution.py"
UNSEEN = ("hidden", "reference", "example.toml", "__pycache__")  # never copied where a method runs
TEST_TIMEOUT = 10.0

ZERO_SHOT_SYSTEM = "You are an expert Python programmer."

ZERO_SHOT = Template("""\
Solve the problem below. `$name` is a first attempt at it, which may be wrong or slow.
$problem
<FILE name="$name">
$file
</FILE>

Keep every public name and function signature. $answer_format""")


@dataclass(frozen=True)
class Example:
    name: str
    path: Path
    start: str              # "buggy": fails its visible tests (for solve); "slow": correct but slow (for polish)
    bench: str | None       # the benchmark command polish times
    time_limit: float = TEST_TIMEOUT  # seconds each hidden test may run

    def source(self, which: str = FILE) -> str:
        return (self.path / which).read_text()


@dataclass(frozen=True)
class Row:
    example: Example
    start: TestReport       # hidden tests on the starting solution
    zero_shot: TestReport
    tgfix: TestReport
    polish: Run | None
    polished: TestReport | None


def examples(only: list[str] | tuple[str, ...] = (), corpus: str = "examples") -> list[Example]:
    found = []
    for path in sorted(p for p in CORPORA[corpus].iterdir() if (p / "example.toml").is_file()):
        meta = tomllib.loads((path / "example.toml").read_text())
        found.append(Example(path.name, path, meta["start"], meta.get("bench"), meta.get("time_limit", TEST_TIMEOUT)))
    return [e for e in found if not only or e.name in only]


def workspace(example: Example, destination: Path) -> Path:
    """A fresh git repository holding the example as a method may see it: no hidden tests, no reference."""
    shutil.copytree(example.path, destination, ignore=shutil.ignore_patterns(*UNSEEN))
    return commit_everything(destination, "start")


def hidden(example: Example, source: str) -> TestReport:
    """The hidden tests on `source` as solution.py, in a sandbox copy of the example."""
    return run_tests(TestSpec(example.path, ("hidden",), test_timeout=example.time_limit), {FILE: source})[0]


def zero_shot(example: Example, llm: LLM) -> str:
    """One model call; an unusable reply leaves the starting solution."""
    prompt = ZERO_SHOT.substitute(
        name=FILE, problem=prompts.PROBLEM.substitute(problem=example.source("problem.md").strip()),
        file=example.source().rstrip("\n"), answer_format=prompts.WHOLE_FILE_FORMAT.substitute(name=FILE))
    reply = llm([{"role": "system", "content": ZERO_SHOT_SYSTEM}, {"role": "user", "content": prompt}])
    try:
        return patch.extract_code(reply.text)
    except patch.PatchError:
        return example.source()


def settings(work: Path, args: argparse.Namespace, **budget) -> Settings:
    return Settings(tests=(str(work / "tests"),), problem=str(work / "problem.md"), model=args.model,
                    test_timeout=TEST_TIMEOUT, cache=args.cache, **budget)


def measure(example: Example, args: argparse.Namespace, scratch: Path) -> Row:
    work = workspace(example, scratch / "solve")
    print(f"{example.name}: zero-shot", file=sys.stderr)
    editor, _ = engines(settings(work, args), Budget(max_calls=1))
    zero = zero_shot(example, editor)
    print(f"{example.name}: tgfix solve", file=sys.stderr)
    solved = settings(work, args, max_iters=args.calls)
    solve([str(work / FILE)], solved, budget=run_budget(solved, max_calls=args.calls))
    repaired = (work / FILE).read_text()
    run = polished = None
    if example.bench:
        print(f"{example.name}: tgfix polish", file=sys.stderr)
        work = workspace(example, scratch / "polish")
        run = polish(str(work / FILE), settings(work, args, max_iters=args.polish_iters), example.bench, args.repeat)
        polished = hidden(example, (work / FILE).read_text())
    return Row(example, hidden(example, example.source()), hidden(example, zero), hidden(example, repaired),
               run, polished)


def polish_row(example: Example, args: argparse.Namespace, scratch: Path) -> dict:
    """polish alone on a slow problem: the speed-up, the hidden tests after it, what it cost."""
    work = workspace(example, scratch / "polish")
    budget = {"max_iters": args.polish_iters} if args.polish_iters else {}
    print(f"{example.name}: tgfix polish", file=sys.stderr)
    started = time.monotonic()
    run = polish(str(work / FILE), settings(work, args, **budget), example.bench, args.repeat)
    seconds_taken = time.monotonic() - started
    before, after = run.initial[0].report.timing.median, run.final[0].report.timing.median
    after_hidden, start_hidden = hidden(example, (work / FILE).read_text()), hidden(example, example.source())
    steps = [i.step for i in run.iterations]
    return {"problem": example.name, "speedup": round(before / max(after, 1e-9), 2),
            "median_before": before, "median_after": after,
            "hidden_start": start_hidden.score, "hidden_after": after_hidden.score,
            "hidden_all_pass": after_hidden.all_passed, "accepted": sum(s.accepted for s in steps),
            "iterations": len(steps), "calls": run.usage.calls, "seconds": round(seconds_taken, 1),
            "all_tried_before": sum(bool(s.candidates) and all(not c.new for c in s.candidates) for s in steps),
            "stop_reason": run.stop_reason, "attempts": attempts(run)}


def attempts(run: Run) -> list[dict]:
    """What each iteration read and proposed, for reading why proposals failed (item 1 of issue 29)."""
    return [{"iteration": i.number, "critique": i.gradient,
             "candidates": [{"verdict": c.verdict, "new": c.new, "diff": c.proposal.diff,
                             "error": c.proposal.error, "reply": c.proposal.reply.text if c.proposal.reply else ""}
                            for c in i.step.candidates]} for i in run.iterations]


def polish_table(rows: list[dict]) -> str:
    lines = ["| problem | speed-up | hidden tests after (start) | accepted | iterations | all tried before | calls | s |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['problem']} | {r['speedup']:.1f}x | {r['hidden_after']} ({r['hidden_start']}) | {r['accepted']} | "
              f"{r['iterations']} | {r['all_tried_before']} | {r['calls']} | {r['seconds']:.0f} |" for r in rows]
    good = sum(r["speedup"] >= 2 and r["hidden_all_pass"] for r in rows)
    broken = sum(r["accepted"] > 0 and not r["hidden_all_pass"] for r in rows)
    lines += ["", f"2x or more with every hidden test passing: {good}/{len(rows)}; an accepted change that fails a "
                  f"hidden test: {broken}; iterations whose proposals were all tried before: "
                  f"{sum(r['all_tried_before'] for r in rows)}"]
    return "\n".join(lines)


def run_polish_corpus(args: argparse.Namespace) -> None:
    """Each problem once; with --out, resumable: rows already in results.jsonl are kept."""
    out = Path(args.out) if args.out else None
    results = out / "results.jsonl" if out else None
    done = [json.loads(line) for line in results.read_text().splitlines()] if results and results.exists() else []
    rows = list(done)
    for example in examples(args.only, "polish"):
        if any(r["problem"] == example.name for r in done):
            continue
        with tempfile.TemporaryDirectory(prefix="tgfix-polish-") as scratch:
            row = polish_row(example, args, Path(scratch))
        rows.append(row)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            with (out / "attempts.jsonl").open("a") as file:
                file.write(json.dumps({"problem": row["problem"], "attempts": row.pop("attempts")}) + "\n")
            with results.open("a") as file:
                file.write(json.dumps(row) + "\n")
            (out / "summary.md").write_text(polish_table(rows) + "\n")
    print(polish_table(rows))


def table(rows: list[Row], args: argparse.Namespace) -> str:
    lines = [f"hidden tests passed ({args.model}; tgfix: visible tests, {args.calls} calls)",
             f"{'problem':<26}{'start':>8}{'zero-shot':>11}{'tgfix':>8}"]
    lines += [f"{r.example.name:<26}{r.start.score:>8}{r.zero_shot.score:>11}{r.tgfix.score:>8}" for r in rows]
    solved = {method: f"{sum(getattr(r, method).all_passed for r in rows)}/{len(rows)}"
              for method in ("start", "zero_shot", "tgfix")}
    lines.append(f"{'solved (all hidden pass)':<26}{solved['start']:>8}{solved['zero_shot']:>11}{solved['tgfix']:>8}")
    polished = [r for r in rows if r.polish]
    if polished:
        lines += ["", f"polish ({args.polish_iters} iterations; median of {args.repeat} benchmark runs)",
                  f"{'problem':<26}{'before':>10}{'after':>10}{'speed-up':>10}{'hidden':>8}"]
        for r in polished:
            before, after = r.polish.initial[0].report.timing, r.polish.final[0].report.timing
            lines.append(f"{r.example.name:<26}{seconds(before.median):>10}{seconds(after.median):>10}"
                         f"{before.median / max(after.median, 1e-9):>9.1f}x{r.polished.score:>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="litellm model string (default: TGFIX_MODEL, else the embedded model)")
    parser.add_argument("--calls", type=int, default=4, help="tgfix solve's model-call budget per problem")
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="examples",
                        help="examples/leetcode (solve and polish), or bench/polish (polish alone)")
    parser.add_argument("--out", help="--corpus polish: the folder of results.jsonl and summary.md (resumable)")
    parser.add_argument("--polish-iters", type=int, help="tgfix polish's iterations per slow problem "
                                                         "(default 2 on the examples; tgfix's default on --corpus polish)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per polish measurement")
    parser.add_argument("--only", action="append", default=[], help="run this example only (repeatable)")
    parser.add_argument("--cache", action="store_true", help="reuse cached model replies")
    args = parser.parse_args(argv)
    args.model = args.model or default_model()
    if args.corpus == "polish":
        run_polish_corpus(args)
        return 0
    args.polish_iters = args.polish_iters or 2
    with tempfile.TemporaryDirectory(prefix="tgfix-leetcode-") as scratch:
        rows = [measure(example, args, Path(scratch) / example.name) for example in examples(args.only)]
    print(table(rows, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
