"""How many completion tokens function-scoped edits save (tgfix.scope), without a model.

For each corpus case whose buggy file has at least --min-lines lines, the targets are the
definitions holding the lines the reference fix changes (difflib), as if localization were
perfect. The reply's size is estimated at 3 characters a token, for the whole file against
the target definitions, each method with its `class X:` line as FUNCTION_FORMAT asks. The
prompt's file part likewise: the whole file against its excerpt around the same targets
(tgfix.excerpt.file_excerpt, which files of LARGE_FILE_CHARS or more get; the failing tests' source
is not counted).

Run: python -m bench.probes scope_tokens [--min-lines 100]
Goal: at least 3x fewer completion tokens on 100+ line files.
"""

from __future__ import annotations

import argparse
import difflib
import statistics
from dataclasses import dataclass

from bench.corpus import Case, select
from tgfix.excerpt import file_excerpt
from tgfix.scope import Target, python_lines, targets
from tgfix.session import CHARS_PER_TOKEN

GOAL = 3.0


@dataclass(frozen=True)
class Row:
    case: str
    lines: int
    targets: tuple[str, ...]
    whole_tokens: int
    scoped_tokens: int
    excerpt_tokens: int

    @property
    def ratio(self) -> float:
        return self.whole_tokens / self.scoped_tokens if self.scoped_tokens else float("nan")


def changed_lines(buggy: str, fixed: str) -> list[int]:
    """Lines of the buggy file the fix replaces or deletes, or the line an insertion follows."""
    opcodes = difflib.SequenceMatcher(None, python_lines(buggy), python_lines(fixed), autojunk=False).get_opcodes()
    return [line for tag, i1, i2, _, _ in opcodes if tag != "equal"
            for line in (range(i1 + 1, i2 + 1) if tag != "insert" else [max(i1, 1)])]


def tokens(text: str) -> int:
    return round(len(text) / CHARS_PER_TOKEN)


def reply_text(found: tuple[Target, ...]) -> str:
    owners = {t.owner for t in found if t.owner}
    return "".join(f"class {owner}:\n" for owner in owners) + "".join(t.text for t in found)


def measure(case: Case) -> Row:
    buggy = (case.path / case.file).read_text()
    fixed = case.fixed
    found = targets(buggy, changed_lines(buggy, fixed), max_targets=100)
    scoped = reply_text(found) if found else buggy  # module-level fix: the whole file
    return Row(case.name, len(python_lines(buggy)), tuple(t.qualname for t in found), tokens(buggy), tokens(scoped),
               tokens(file_excerpt(buggy, found) if found else buggy))


def table(rows: list[Row]) -> str:
    out = ["| case | lines | targets | whole-file tokens | scoped tokens | ratio | excerpt tokens (prompt) |",
           "|---|---|---|---|---|---|---|"]
    out += [f"| {r.case} | {r.lines} | {', '.join(r.targets) or '(module level)'} | {r.whole_tokens:,} | "
            f"{r.scoped_tokens:,} | {r.ratio:.1f}x | {r.excerpt_tokens:,} |" for r in rows]
    whole, scoped = sum(r.whole_tokens for r in rows), sum(r.scoped_tokens for r in rows)
    out.append(f"| all | {sum(r.lines for r in rows):,} | | {whole:,} | {scoped:,} | {whole / scoped:.1f}x | "
               f"{sum(r.excerpt_tokens for r in rows):,} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-lines", type=int, default=100)
    args = parser.parse_args(argv)
    rows = [row for row in map(measure, select([])) if row.lines >= args.min_lines]
    print(table(rows))
    reaching = sum(r.ratio >= GOAL for r in rows)
    print(f"\nmedian ratio {statistics.median(r.ratio for r in rows):.1f}x; "
          f"{reaching} of {len(rows)} cases reach the goal of {GOAL:.0f}x fewer completion tokens")
    return 0

