"""The git hook's cost when the tests pass: how much `tgfix hook` adds to running pytest yourself.

Times, on a small project whose tests pass, `python -m pytest` alone and `tgfix hook stats.py`
end to end (interleaved, median of N), and `import tgfix.cli` on its own. The difference is
the hook's overhead: interpreter and CLI start-up, settings, the sandbox copy, JUnit parsing.

Run: python -m bench.probes hook_overhead [--repeats 7]
Goal: overhead under 1 s, and litellm (seconds to import) never loaded on this path.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OVERHEAD_GOAL = 1.0  # seconds

STATS = '''\
def largest(xs):
    best = xs[0]
    for x in xs:
        if x > best:
            best = x
    return best
'''
TESTS = '''\
from stats import largest


def test_largest():
    assert largest([3, 9, 4]) == 9


def test_single():
    assert largest([5]) == 5
'''
IMPORT_PROBE = ("import sys, time; started = time.perf_counter(); import tgfix.cli; "
                "print(time.perf_counter() - started, 'litellm' in sys.modules)")


def make_project(root: Path) -> None:
    (root / "tests").mkdir()
    (root / "stats.py").write_text(STATS)
    (root / "tests" / "test_stats.py").write_text(TESTS)
    (root / "pyproject.toml").write_text('[tool.tgfix]\ntests = "tests"\n')
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    pytest_alone = [sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"]
    hook = [sys.executable, "-m", "tgfix.cli", "hook", "stats.py"]
    with tempfile.TemporaryDirectory(prefix="tgfix-hook-bench-") as folder:
        root = Path(folder)
        make_project(root)
        timed(hook, root)  # warm the file cache
        plain, hooked = [], []
        for _ in range(args.repeats):
            plain.append(timed(pytest_alone, root))
            hooked.append(timed(hook, root))
        probe = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, check=True)
    import_seconds, litellm_loaded = probe.stdout.split()
    overhead = statistics.median(hooked) - statistics.median(plain)
    verdict = "met" if overhead < OVERHEAD_GOAL else "NOT met"
    print(f"repeats:             {args.repeats} (medians)")
    print(f"pytest alone:        {statistics.median(plain):.3f} s")
    print(f"tgfix hook (pass):   {statistics.median(hooked):.3f} s")
    print(f"hook overhead:       {overhead:.3f} s (goal < {OVERHEAD_GOAL:g} s: {verdict})")
    print(f"import tgfix.cli:    {float(import_seconds):.3f} s (litellm loaded: {litellm_loaded})")
    return 0 if overhead < OVERHEAD_GOAL and litellm_loaded == "False" else 1

