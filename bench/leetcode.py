"""LeetCode-style examples: hidden-test pass rate of zero-shot vs tgfix, and the speed-ups of polish.

    python bench/leetcode.py --model local/qwen2.5-coder-1.5b [--calls 4] [--polish-iters 2] [--only two_sum]

The shape of the TextGrad paper's code experiment (LeetCode-Hard, test-time training): each
method sees the problem statement and the starting solution of examples/leetcode/<name>/,
and is judged on hidden tests (hidden/) that no method ever sees.
- zero-shot: one model call, problem + starting solution -> the whole file.
- tgfix: `tgfix solve --problem problem.md --tests tests` (the visible tests), --calls model calls.
- polish: `tgfix polish --bench-cmd ...` on the slow-but-correct solutions: the speed-up of
  the benchmark's median time, and the hidden tests afterwards (speed must not cost correctness).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from string import Template

from bench.corpus import commit_everything
from tgfix import patch, prompts
from tgfix.config import Settings
from tgfix.formatting import seconds
from tgfix.llm import LLM, default_model
from tgfix.commands.polish import polish
from tgfix.commands.solve import solve
from tgfix.runner import TestReport, TestSpec, run_tests
from tgfix.session import Run, engines

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples" / "leetcode"
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


def examples(only: list[str] | tuple[str, ...] = ()) -> list[Example]:
    found = []
    for path in sorted(p for p in EXAMPLES_DIR.iterdir() if (p / "example.toml").is_file()):
        meta = tomllib.loads((path / "example.toml").read_text())
        found.append(Example(path.name, path, meta["start"], meta.get("bench")))
    return [e for e in found if not only or e.name in only]


def workspace(example: Example, destination: Path) -> Path:
    """A fresh git repository holding the example as a method may see it: no hidden tests, no reference."""
    shutil.copytree(example.path, destination, ignore=shutil.ignore_patterns(*UNSEEN))
    return commit_everything(destination, "start")


def hidden(example: Example, source: str) -> TestReport:
    """The hidden tests on `source` as solution.py, in a sandbox copy of the example."""
    return run_tests(TestSpec(example.path, ("hidden",), test_timeout=TEST_TIMEOUT), {FILE: source})[0]


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
    editor, _ = engines(settings(work, args, max_calls=1))
    zero = zero_shot(example, editor)
    print(f"{example.name}: tgfix solve", file=sys.stderr)
    solve([str(work / FILE)], settings(work, args, max_iters=args.calls, max_calls=args.calls))
    repaired = (work / FILE).read_text()
    run = polished = None
    if example.bench:
        print(f"{example.name}: tgfix polish", file=sys.stderr)
        work = workspace(example, scratch / "polish")
        run = polish(str(work / FILE), settings(work, args, max_iters=args.polish_iters), example.bench, args.repeat)
        polished = hidden(example, (work / FILE).read_text())
    return Row(example, hidden(example, example.source()), hidden(example, zero), hidden(example, repaired),
               run, polished)


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
    parser.add_argument("--polish-iters", type=int, default=2, help="tgfix polish's iterations per slow problem")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per polish measurement")
    parser.add_argument("--only", action="append", default=[], help="run this example only (repeatable)")
    parser.add_argument("--cache", action="store_true", help="reuse cached model replies")
    args = parser.parse_args(argv)
    args.model = args.model or default_model()
    with tempfile.TemporaryDirectory(prefix="tgfix-leetcode-") as scratch:
        rows = [measure(example, args, Path(scratch) / example.name) for example in examples(args.only)]
    print(table(rows, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
