"""Fault localization: rank the lines of the file by how strongly failing tests point at them (Ochiai),
and, when no file is named, the project's source files by the failing tests' tracebacks and Ochiai."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tgfix.runner import LineCoverage, TestCase, TestReport, TestSpec, run_tests

# Where a traceback points: pytest's entries (`path:N: in name`, and in its long style the last one's
# `path:N: ErrorName`) and Python's own (`File "path", line N`, a --test-cmd's or a SyntaxError's).
PYTEST_SITE = re.compile(r"^(?!E )(?P<path>[^\s<][^:\n]*):(?P<line>\d+): (?:in \S|\w+$)", re.MULTILINE)
PYTHON_SITE = re.compile(r'File "(?P<path>[^"]+)", line (?P<line>\d+)')


@dataclass(frozen=True)
class SuspiciousLine:
    number: int
    score: float
    text: str


def ochiai(executed_by: set[str] | frozenset[str], failing: frozenset[str]) -> float:
    """ef / sqrt(total_failing * (ef + ep)): 1.0 for a line run by every failing test and no passing one."""
    failed_here = len(executed_by & failing)
    if not failed_here:
        return 0.0
    return failed_here / math.sqrt(len(failing) * len(executed_by))


def rank_lines(coverage: dict[int, frozenset[str]], failing: frozenset[str], source: str,
               top: int = 8) -> tuple[SuspiciousLine, ...]:
    lines = source.splitlines()
    scored = [SuspiciousLine(number, round(ochiai(tests, failing), 2), lines[number - 1].strip())
              for number, tests in coverage.items() if 0 < number <= len(lines)]
    ranked = sorted((s for s in scored if s.score > 0), key=lambda s: (-s.score, s.number))
    return tuple(ranked[:top])


@dataclass(frozen=True)
class SuspiciousFile:
    """A source file the failing tests point at, and how strongly.

    score is the mean of two numbers in [0, 1]: the share of the failing tests whose traceback ends in
    this file (its last frame in the project's source), and the Ochiai score of its most suspicious line
    (a file is as suspicious as its worst line: the hook ranks files the same way).
    """

    name: str  # relative to the project root
    score: float
    tracebacks: int  # failing tests whose traceback ends here
    failing: int     # failing tests in all
    ochiai: float
    line: int        # the line of that Ochiai score (0: none); of lines alike, one a traceback passes through

    @property
    def evidence(self) -> str:
        """Why, in words: "2 of 3 failing tests' tracebacks end here, Ochiai 0.82 (line 14)"."""
        said = [f"{self.tracebacks} of {self.failing} failing tests' tracebacks end here"] if self.tracebacks else []
        said += [f"Ochiai {self.ochiai:.2f} (line {self.line})"] if self.ochiai else []
        return ", ".join(said)


@dataclass(frozen=True)
class FileRanking:
    """One run of the tests with coverage of every source file, and the files its failures point at."""

    report: TestReport
    coverage: dict[str, LineCoverage]  # file -> its line coverage
    files: tuple[SuspiciousFile, ...]  # most suspicious first; only files some evidence points at


def localize_files(spec: TestSpec, sources: dict[str, bytes]) -> FileRanking:
    """Run the tests once with `sources` (the project's source files, relative to its root -> their bytes)
    in place as they are, under coverage of each, and rank those files."""
    report, coverage = run_tests(spec, sources, coverage_of=tuple(sources))
    return FileRanking(report, coverage, rank_files(report.failures, coverage, frozenset(sources)))


def rank_files(failures: tuple[TestCase, ...], coverage: dict[str, LineCoverage],
               sources: frozenset[str]) -> tuple[SuspiciousFile, ...]:
    """The source files ranked by score (see SuspiciousFile), then by tracebacks; only test failures count
    (not a test command's)."""
    failures = tuple(case for case in failures if not case.id.startswith("command: "))
    failing = frozenset(case.id for case in failures)
    if not failing:
        return ()
    frames = [_source_frames(case.traceback, sources) for case in failures]
    ends = [found[-1][0] for found in frames if found]
    in_tracebacks = {frame for found in frames for frame in found}
    ranked = []
    for name in sorted(sources):
        # Of lines alike in Ochiai, one a traceback passes through is the better pointer, then the first.
        lines = [(ochiai(tests, failing), (name, number) in in_tracebacks, -number)
                 for number, tests in coverage.get(name, {}).items()]
        top, _, minus_line = max(lines, default=(0.0, False, 0))
        tracebacks = ends.count(name)
        score = (tracebacks / len(failing) + top) / 2
        if score > 0:
            ranked.append(SuspiciousFile(name, round(score, 2), tracebacks, len(failing), round(top, 2), -minus_line))
    return tuple(sorted(ranked, key=lambda f: (-f.score, -f.tracebacks)))


def _source_frames(traceback: str, sources: frozenset[str]) -> list[tuple[str, int]]:
    """The (file, line) of each frame of the traceback in one of `sources`, outermost first: frames in the
    tests, in installed packages or in the standard library are passed over."""
    return [(path, line) for path, line in traceback_sites(traceback) if path in sources]


def traceback_sites(traceback: str) -> list[tuple[str, int]]:
    """Where a traceback points, outermost first: (path as the sandbox saw it, relative to the project
    copy; line number)."""
    found = sorted([*PYTEST_SITE.finditer(traceback), *PYTHON_SITE.finditer(traceback)], key=lambda m: m.start())
    return [(in_project(m["path"]), int(m["line"])) for m in found]


def in_project(path: str) -> str:
    """A path as the sandbox saw it, relative to the project copy."""
    return re.sub(r"^.*?/tgfix-[^/]+/", "", path)
