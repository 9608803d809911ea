"""What a timed Python process measures in one file: where its time goes (a statistical line profile)
and how that time grows with the input. Standard library only.

Loaded in the process that runs the timed code (tests or a benchmark command), never in tgfix's
own: as `tgfix_line_sampler`, beside tgfix's pytest plugin or behind a `sitecustomize` shim. With
TGFIX_PROFILE set to {"file": path, "out": path}, every millisecond of CPU time the innermost frame
running in that file counts one sample for its line; at exit the counts go to `out` as JSON.
Python handles signals only at a loop's jump back and at calls, so the lines sampled are the heads
of the loops running and the lines making calls: a nested loop shows as its inner `for` line.

With TGFIX_GROWTH set the same way, the calls into the file's functions from outside it are
watched, and the largest one (by the size of its input: _inputs) of the function that took the most
time is kept. At exit it is called again, without the watch, on the first quarter, half and all of
its input: its times at three sizes go to `out`, so an O(n^2) function shows as 4x per doubling of n.
"""

import atexit
import collections
import copy
import dis
import functools
import json
import math
import os
import signal
import sys
import time

INTERVAL = 0.001  # seconds of CPU time between samples
SCALES = (0.25, 0.5, 1.0)  # of the largest call's arguments, timed again at exit
GROWTH_SECONDS = 10.0  # no larger size is timed once the ones before took this long
SIZED = (str, bytes, list, tuple, dict, set, frozenset)
MIN_INPUT_SIZE = 8


def line_of(code, offset: int) -> int:
    """The line of the instruction at offset. Python 3.11 gives some instructions no line: a jump back
    to a loop's head gets the line of that head (the loop running), any other the nearest line before."""
    target = _backward_jumps(code).get(offset)
    if target is not None:
        return line_of(code, target)
    line = code.co_firstlineno
    for start, _, number in code.co_lines():
        if start > offset:
            break
        line = number if number is not None else line
    return line


@functools.lru_cache(maxsize=256)
def _backward_jumps(code) -> dict[int, int]:
    """Offset -> target of each backward jump that has no line of its own."""
    lines = {start: number for start, _, number in code.co_lines()}
    return {i.offset: i.argval for i in dis.get_instructions(code)
            if i.opname.startswith("JUMP_BACKWARD") and lines.get(i.offset) is None}


def sample_lines(file: str, out: str) -> None:
    counts = collections.Counter()

    def sample(signum, frame):
        while frame is not None:
            if frame.f_code.co_filename == file:
                counts[frame.f_lineno or line_of(frame.f_code, frame.f_lasti)] += 1
                return
            frame = frame.f_back

    def write():
        signal.setitimer(signal.ITIMER_PROF, 0)
        with open(out, "w") as stream:
            json.dump(dict(counts), stream)

    signal.signal(signal.SIGPROF, sample)
    signal.setitimer(signal.ITIMER_PROF, INTERVAL, INTERVAL)
    atexit.register(write)


def watch_growth(file: str, out: str) -> None:
    largest = {}  # code -> (size, function, positional arguments, keyword arguments): a copy, before the call
    spent = collections.Counter()  # code -> seconds in the calls from outside the file
    started = {}  # frame -> when its call began

    def watch(frame, event, arg):
        code = frame.f_code
        if code.co_filename != file or (frame.f_back is not None and frame.f_back.f_code.co_filename == file):
            return
        if event == "call":
            started[frame] = time.perf_counter()
            try:
                call = _call_of(frame)
            except Exception:  # an argument that cannot be copied: never the code under test's problem
                call = None
            if call and call[0] > largest.get(code, (0,))[0]:
                largest[code] = call
        elif event == "return" and frame in started:
            spent[code] += time.perf_counter() - started.pop(frame)

    def write():
        sys.setprofile(None)
        hottest = max((code for code in spent if code in largest), key=spent.__getitem__, default=None)
        try:
            measured = _timed_at_scales(*largest[hottest][1:]) if hottest else []
        except Exception:  # an argument that cannot be copied
            measured = []
        with open(out, "w") as stream:
            json.dump({"function": hottest.co_name if hottest else None, "points": measured}, stream)

    sys.setprofile(watch)
    atexit.register(write)


def _call_of(frame):
    """(size, function, args, kwargs) to call frame's function again as it was called, or None: a
    function it cannot find (a closure) or call again (one with *args or **kwargs)."""
    code = frame.f_code
    if code.co_flags & (0x04 | 0x08):  # CO_VARARGS, CO_VARKEYWORDS
        return None
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    values = [frame.f_locals[name] for name in names]
    owner = type(values[0]) if values else None
    function = next((f for f in (frame.f_globals.get(code.co_name), getattr(owner, code.co_name, None))
                     if getattr(f, "__code__", None) is code), None)
    size = _size(values, _inputs(values))
    if function is None or size == 0:
        return None
    args = copy.deepcopy(values)  # before the call: it may change them
    return size, function, args[:code.co_argcount], dict(zip(names[code.co_argcount:], args[code.co_argcount:]))


def _inputs(values) -> list[int]:
    """Which values are the call's input, which the times are scaled by: its collections of
    MIN_INPUT_SIZE items or more, and its integers from MIN_INPUT_SIZE up to the largest of them (a
    window's width, an amount), not the shorter ones or a larger integer (a target sum)."""
    sized = [n for n, v in enumerate(values) if isinstance(v, SIZED) and len(v) >= MIN_INPUT_SIZE]
    largest = max((len(values[n]) for n in sized), default=None)
    counts = [n for n, v in enumerate(values) if isinstance(v, int) and not isinstance(v, bool)
              and MIN_INPUT_SIZE <= v and (largest is None or v <= largest)]
    return sized + counts


def _size(values, inputs: list[int]) -> int:
    """The size of the input (values at `inputs`): the summed length of its collections, else its largest
    integer; 0 if none."""
    inputs = [values[n] for n in inputs]
    lengths = [len(v) for v in inputs if isinstance(v, SIZED)]
    return sum(lengths) if lengths else max(inputs, default=0)


def _timed_at_scales(function, args, kwargs) -> list[list[float]]:
    """[size, seconds] of a call on each scale of its input, until one raises or the time is spent."""
    values = args + list(kwargs.values())
    inputs = _inputs(values)
    points, elapsed = [], 0.0
    for scale in SCALES:
        scaled = [_scaled(v, scale) if n in inputs else copy.deepcopy(v) for n, v in enumerate(values)]
        positional, named = scaled[:len(args)], dict(zip(kwargs, scaled[len(args):]))
        begun = time.perf_counter()
        try:
            function(*positional, **named)
        except Exception:
            break
        seconds = time.perf_counter() - begun
        points.append([_size(scaled, inputs), seconds])
        elapsed += seconds
        if elapsed > GROWTH_SECONDS:
            break
    return points


def _scaled(value, scale: float):
    """A copy of the first `scale` of a collection (its items, in order), or of an integer."""
    if isinstance(value, int):
        return max(1, round(value * scale))
    keep = math.ceil(len(value) * scale)
    if isinstance(value, (str, bytes, list, tuple)):
        return copy.deepcopy(value[:keep])
    items = list(value.items() if isinstance(value, dict) else value)[:keep]
    return copy.deepcopy(type(value)(items))


if os.environ.get("TGFIX_PROFILE"):
    sample_lines(**json.loads(os.environ["TGFIX_PROFILE"]))
if os.environ.get("TGFIX_GROWTH"):
    watch_growth(**json.loads(os.environ["TGFIX_GROWTH"]))
