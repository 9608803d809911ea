"""How the time of each polish problem's costliest function grows, as polish's critic and editor read it.

Run: python -m bench.probes growth [--problem window_max ...]   (no model; an idle machine)

For the slow solution and the reference of each problem of bench/polish, one run of its bench command
with tgfix's growth watch (tgfix/line_sampler.py): the function, its times at a quarter, a half and
all of its largest call's input, the factor per doubling and the order it shows.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tgfix.loss import TestLoss
from tgfix.variable import Variable

POLISH = Path(__file__).resolve().parents[1] / "polish"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", action="append", help="only this problem (repeatable)")
    args = parser.parse_args(argv)
    for folder in sorted(p for p in POLISH.iterdir() if (p / "bench.py").exists()):
        if args.problem and folder.name not in args.problem:
            continue
        x = Variable.from_file(folder / "solution.py", root=folder)
        timed = TestLoss(tests=folder / "tests", command="python bench.py")
        for which in ("solution.py", "reference/solution.py"):
            growth = timed.growth(x, (folder / which).read_text())
            if growth is None:
                print(f"{folder.name} {which}: nothing measured")
                continue
            points = ", ".join(f"{size}: {seconds * 1000:.2f} ms" for size, seconds in growth.points)
            print(f"{folder.name} {which}: {growth.function} {points}; x{growth.per_doubling:.1f} per doubling, "
                  f"{growth.order}")
    return 0
