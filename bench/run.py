"""Run repair methods over the benchmark cases, judge each result, and summarize.

    python -m bench --model local/qwen2.5-coder-1.5b --methods single-shot,best-of-n,tgfix \\
        --calls 8 --seconds 240 --cases '0[1-5]_*' --out bench/results

Each case x method runs on a fresh git copy of the case; the runner then judges the file
the method left against pristine tests (tgfix's own verdict is never used). Results go to
OUT/results.jsonl, one JSON line per case x method; rows already there are skipped, so an
interrupted run resumes. The summary table goes to stdout and OUT/summary.md, the pictures
to OUT/*.png; both count only the cases every method finished (--summary-only: without running
the missing rows first).
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import git

from bench import corpus, plots
from bench.methods import METHODS, NEEDS_SECOND_MODEL, Setup
from tgfix.config import Settings
from tgfix.local import default_model

DEFAULT_CALLS = Settings.model_fields["max_iters"].default      # tgfix's budgets, unless told otherwise
DEFAULT_SECONDS = Settings.model_fields["time_budget"].default

DEFAULT_METHODS = "single-shot,naive-retry,tgfix"


@dataclass(frozen=True)
class Summary:
    method: str
    solved: int
    cases: int
    passed: int        # tests passing at the end, over all cases: partial credit
    total: int
    calls: int
    median_seconds_to_solve: float | None
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    model_seconds: float
    test_seconds: float
    overhead_seconds: float


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup = Setup(args.model or default_model(), args.calls, args.max_tokens, args.cache, args.gradient_model,
                  args.seconds)
    methods = [m for m in args.methods if m not in NEEDS_SECOND_MODEL or setup.gradient_model]
    for skipped in sorted(set(args.methods) - set(methods)):
        print(f"skipping {skipped}: it needs --gradient-model", file=sys.stderr)
    cases = corpus.select(args.cases, args.limit)
    args.out.mkdir(parents=True, exist_ok=True)
    results = args.out / "results.jsonl"
    if not args.summary_only:
        run_missing(cases, methods, setup, results)
    chosen = {slot(c.name, m, setup) for c in cases for m in methods}
    rows = finished_by_all([row for row in read_rows(results) if key(row) in chosen], methods)
    table = format_table(summarize(rows, methods))
    print(table)
    finished = f"Cases every method finished: {len({row['case'] for row in rows})} of {len(cases)} selected."
    (args.out / "summary.md").write_text("\n\n".join([finished, table, format_cases(rows, methods), unchanged_answers(rows, methods), made_with(rows)]) + "\n")
    plots.solved_vs_calls(rows, methods, setup.calls, args.out / "solved_vs_calls.png")
    plots.solved_vs_seconds(rows, methods, args.out / "solved_vs_seconds.png")
    plots.loss_curves(rows, methods, args.out / "loss_curves.png")
    return 0


def run_missing(cases: list[corpus.Case], methods: list[str], setup: Setup, results: Path) -> None:
    """Run every case x method that has no row in results yet, appending each row as it is made."""
    done = {key(row) for row in read_rows(results)}
    made_by = revision()
    for case in cases:
        for method in methods:
            if slot(case.name, method, setup) in done:
                continue
            row = run_one(case, method, setup) | {"revision": made_by}
            with results.open("a") as out:
                out.write(json.dumps(row) + "\n")
            print(progress(row), file=sys.stderr, flush=True)


def finished_by_all(rows: list[dict], methods: list[str]) -> list[dict]:
    """The rows of the cases every method finished: methods are compared on the same cases only."""
    finished = collections.defaultdict(set)
    for row in rows:
        finished[row["case"]].add(row["method"])
    return [row for row in rows if finished[row["case"]] >= set(methods)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="litellm model string (default: as tgfix chooses)")
    parser.add_argument("--gradient-model", help="a second model, for the tgfix-critic method")
    parser.add_argument("--methods", type=_methods, default=DEFAULT_METHODS,
                        help=f"comma-separated, or 'all' (default {DEFAULT_METHODS}); known: {', '.join(METHODS)}")
    parser.add_argument("--cases", type=lambda text: text.split(","), default=[],
                        help="comma-separated names or globs, e.g. '0[1-5]_*,41_matrix' (default: all)")
    parser.add_argument("--limit", type=int, help="only the first N selected cases")
    parser.add_argument("--calls", type=int, default=DEFAULT_CALLS,
                        help=f"model calls each method may make per case (default {DEFAULT_CALLS}, tgfix's iterations)")
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS,
                        help=f"wall-clock budget of each method per case (default {DEFAULT_SECONDS:g}, tgfix's)")
    parser.add_argument("--max-tokens", type=int, default=Setup.max_tokens,
                        help=f"tokens per reply, for every method (default {Setup.max_tokens})")
    parser.add_argument("--cache", action="store_true", help="reuse cached model replies (model time is then not real)")
    parser.add_argument("--summary-only", action="store_true",
                        help="run nothing: summarize the rows already in OUT, on the cases every method finished")
    parser.add_argument("--out", type=Path, default=Path("bench/results"), help="output directory")
    return parser.parse_args(argv)


def _methods(text: str) -> list[str]:
    names = list(METHODS) if text == "all" else text.split(",")
    unknown = [n for n in names if n not in METHODS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown method {', '.join(unknown)}")
    return names


def run_one(case: corpus.Case, method: str, setup: Setup) -> dict:
    """Repair a fresh copy of `case` with `method`, judge what it left, and describe it as one row."""
    with tempfile.TemporaryDirectory(prefix="tgfix-bench-") as scratch:
        work = corpus.prepare(case, Path(scratch) / "work")
        started = time.monotonic()
        trace = METHODS[method](work, case, setup)
        seconds = time.monotonic() - started
        verdict = corpus.judge(case, work, Path(scratch) / "judge")
    usage = trace.usage
    return {
        "case": case.name, "method": method, "model": setup.model, "budget": setup.calls,
        "max_tokens": setup.max_tokens, "seconds_budget": setup.seconds,
        "solved": verdict.solved, "passed": verdict.passed, "total": verdict.total, "tampered": verdict.tampered,
        "calls": usage.calls, "cached_calls": usage.cached_calls, "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens, "cost": usage.cost,
        "seconds": round(seconds, 3), "model_seconds": round(usage.seconds, 3),
        "test_seconds": round(trace.test_seconds, 3),
        "overhead_seconds": round(seconds - usage.seconds - trace.test_seconds, 3),
        "curve": list(trace.curve), "stop_reason": trace.stop_reason, "verdicts": list(trace.verdicts),
    }


def revision() -> str:
    """The commit of tgfix that makes the rows, "+dirty" with uncommitted changes: a table that spans
    sessions shows which rows an older tgfix made."""
    try:
        repo = git.Repo(Path(__file__).parent, search_parent_directories=True)
    except git.InvalidGitRepositoryError:
        return "unknown"
    changed = repo.git.status("--porcelain", "--untracked-files=no", "--", "tgfix", "bench", ":(exclude)bench/reports")
    return repo.head.commit.hexsha[:10] + ("+dirty" if changed else "")


def slot(case: str, method: str, setup: Setup) -> tuple:
    """What makes a result row: a row for the same slot is never run again."""
    return case, method, setup.model, setup.calls, setup.max_tokens, setup.seconds


def key(row: dict) -> tuple:
    return row["case"], row["method"], row["model"], row["budget"], row["max_tokens"], row.get("seconds_budget")


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def outcome(row: dict) -> str:
    return "solved" if row["solved"] else f"{row['passed']}/{row['total']}"


def progress(row: dict) -> str:
    verdict = outcome(row) + (" tampered" if row["tampered"] else "")
    return f"{row['case']:28} {row['method']:20} {verdict:10} {row['calls']} calls  {row['seconds']:7.1f} s"


def summarize(rows: list[dict], methods: list[str]) -> list[Summary]:
    """Totals per method, in the order given."""
    summaries = []
    for method in methods:
        mine = [row for row in rows if row["method"] == method]
        total = {name: sum(row[name] for row in mine) for name in
                 ("solved", "passed", "total", "calls", "prompt_tokens", "completion_tokens", "seconds", "model_seconds",
                  "test_seconds", "overhead_seconds")}
        solve_times = [row["seconds"] for row in mine if row["solved"]]
        summaries.append(Summary(method, cases=len(mine), median_seconds_to_solve=statistics.median(solve_times)
                                 if solve_times else None, **total))
    return summaries


def format_table(summaries: list[Summary]) -> str:
    lines = ["| method | solved | tests passing | median s to solve | LLM calls | prompt tokens | completion tokens "
             "| wall s | model s | tests s | overhead s |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {s.method} | {s.solved}/{s.cases} | {s.passed}/{s.total} | "
              f"{'-' if s.median_seconds_to_solve is None else f'{s.median_seconds_to_solve:.0f}'} | "
              f"{s.calls} | {s.prompt_tokens} | {s.completion_tokens} "
              f"| {s.seconds:.1f} | {s.model_seconds:.1f} | {s.test_seconds:.1f} | {s.overhead_seconds:.1f} |"
              for s in summaries]
    return "\n".join(lines)


def format_cases(rows: list[dict], methods: list[str]) -> str:
    """One line per case: each method's verdict (solved, or the tests passing at the end) and wall seconds."""
    by_case: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_case.setdefault(row["case"], {})[row["method"]] = row
    lines = ["| case | " + " | ".join(methods) + " |", "|---|" + "---|" * len(methods)]
    for case, cells in sorted(by_case.items()):
        marks = [f"{outcome(cells[m])} ({cells[m]['seconds']:.0f})" if m in cells else "" for m in methods]
        lines.append(f"| {case} | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def unchanged_answers(rows: list[dict], methods: list[str]) -> str:
    """How often each method's answers came back as the file they were asked to change (rows with verdicts)."""
    counts = {m: [v for row in rows if row["method"] == m for v in row.get("verdicts", ())] for m in methods}
    shares = [f"{m} {verdicts.count('no change')}/{len(verdicts)}" for m, verdicts in counts.items() if verdicts]
    return "Answers returned unchanged: " + (", ".join(shares) or "no row records its answers") + "."


def made_with(rows: list[dict]) -> str:
    """Which tgfix revisions made the rows: a table that spans sessions may mix them."""
    counts = collections.Counter(row.get("revision", "unrecorded") for row in rows)
    return "Rows by tgfix revision: " + ", ".join(f"{name} ({n})" for name, n in counts.items()) + "."


if __name__ == "__main__":
    sys.exit(main())
