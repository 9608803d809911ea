"""The report page's loss curve: every candidate a point, the best so far a line, in SVG coordinates.

solve plots the tests passing (higher is better), polish the median time (lower is better).
Candidates without a measurement (an unusable reply; under polish, one that broke a test)
sit in a lane below the axis.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Callable

from tgfix.formatting import seconds

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 16, 240  # the plot area; BOTTOM is the y of the x axis
LANE = 272  # y of the candidates with no measurement
KINDS = {"accepted": "accepted", "regression": "regression (broke a passing test)", "no-gain": "no gain",
         "unusable": "unusable reply"}
FAILED = ("failed", "error")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float | None  # tests passing or median seconds; None in the lane
    kind: str   # start, or one of KINDS
    title: str  # the tooltip


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Curve:
    y_label: str
    points: tuple[Point, ...]
    best: str  # the best-so-far step line, as SVG polyline points
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    lane: int = LANE


@dataclass(frozen=True)
class Metric:
    label: str
    value: Callable[[dict], float | None]  # a test report's value, None when it has none
    top: float                             # the value at the top of the plot
    step: float                            # between two ticks of the y axis
    tick: Callable[[float], str]
    better: Callable                       # max or min: the better of values


def kind(candidate: dict, before: dict) -> str:
    """accepted, regression (a test that passed before now fails), no-gain, or unusable (no test ran)."""
    if candidate["accepted"]:
        return "accepted"
    tests = candidate["tests"]
    if tests is None:
        return "unusable"
    passed = {case["id"] for case in before["cases"] if case["outcome"] == "passed"} - set(tests.get("flaky", ()))
    broken = any(case["id"] in passed and case["outcome"] in FAILED for case in tests["cases"])
    return "regression" if broken else "no-gain"


def curve(report: dict) -> Curve:
    metric = _metric(report)
    iterations = report["iterations"]
    last = max((it["number"] for it in iterations), default=0)
    x_of = _x_scale(last)
    y_of = _y_scale(metric.top)
    value = metric.value(_first(report["initial"])["tests"])
    start = Point(x_of(0), y_of(value), value, "start", f"start: {metric.tick(value)}")
    steps = [_candidate_points(it, metric, x_of, y_of) for it in iterations]
    return Curve(metric.label, (start, *itertools.chain(*steps)), _best_line(start, steps, metric, x_of(last)),
                 _x_ticks(last, x_of), _y_ticks(metric, y_of))


def _metric(report: dict) -> Metric:
    if report["command"] == "polish":
        slowest = max((value for value in map(_median, _all_tests(report)) if value is not None), default=0.0)
        step = _round_step(slowest / 4) if slowest > 0 else 0.1
        return Metric("median seconds (lower is better)", _median, math.ceil(slowest / step + 0.1) * step, step,
                      lambda value: seconds(value) if value else "0", min)
    total = max(_first(report["initial"])["tests"]["total"], 1)
    return Metric(f"tests passing of {total}", lambda tests: tests["passed"], total,
                  max(1, _round_step(total / 5)), lambda value: f"{value:g}", max)


def _candidate_points(it: dict, metric: Metric, x_of, y_of) -> list[Point]:
    candidates = it["candidates"]
    spacing = min(12.0, (x_of(1) - x_of(0)) / (len(candidates) + 1))
    points = []
    for index, candidate in enumerate(candidates):
        value = metric.value(candidate["tests"]) if candidate["tests"] else None
        x = x_of(it["number"]) + (index - (len(candidates) - 1) / 2) * spacing
        y = LANE if value is None else y_of(value)
        measured = "" if value is None else f" ({metric.tick(value)})"
        points.append(Point(x, y, value, kind(candidate, it["loss"]["tests"]),
                            f"iteration {it['number']}: {candidate['verdict']}{measured}"))
    return points


def _best_line(start: Point, steps: list[list[Point]], metric: Metric, end: float) -> str:
    """A step line: flat until a step accepts, then at the value of the candidate it kept (the best
    of those the acceptance rule passed, as the optimizer chooses)."""
    best, corners = start, [(start.x, start.y)]
    for points in steps:
        accepted = [point for point in points if point.kind == "accepted"]
        if accepted:
            kept = metric.better(accepted, key=lambda point: point.value)
            corners += [(kept.x, best.y), (kept.x, kept.y)]
            best = kept
    corners.append((max(end, best.x), best.y))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)


def _x_ticks(last: int, x_of) -> tuple[Tick, ...]:
    every = int(_round_step(last / 10)) if last > 10 else 1
    return tuple(Tick(x_of(n), str(n)) for n in range(0, last + 1, every))


def _y_ticks(metric: Metric, y_of) -> tuple[Tick, ...]:
    count = int(metric.top / metric.step + 1e-9)
    return tuple(Tick(y_of(n * metric.step), metric.tick(n * metric.step)) for n in range(count + 1))


def _round_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten, at least rough: ticks a reader takes in at a glance."""
    power = 10 ** math.floor(math.log10(rough))
    return next(power * m for m in (1, 2, 5, 10) if power * m >= rough)


def _x_scale(last: int) -> Callable[[float], float]:
    span = (WIDTH - RIGHT - LEFT - 24) / max(last, 1)  # 24: room for the candidates of the last iteration
    return lambda n: LEFT + 12 + n * span


def _y_scale(top: float) -> Callable[[float], float]:
    return lambda value: BOTTOM - (BOTTOM - TOP) * min(value / top, 1.0)


def _median(tests: dict | None) -> float | None:
    return tests["timing"]["median"] if tests and "timing" in tests else None


def _all_tests(report: dict) -> list[dict]:
    tests = [loss["tests"] for loss in report["initial"].values()]
    return tests + [c["tests"] for it in report["iterations"] for c in it["candidates"] if c["tests"]]


def _first(losses: dict) -> dict:
    return next(iter(losses.values()))
