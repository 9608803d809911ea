"""Where a Python process spends its time in one file: a statistical line profile, standard library only.

Loaded in the process that runs the timed code (tests or a benchmark command), never in tgfix's
own: as `tgfix_line_sampler`, beside tgfix's pytest plugin or behind a `sitecustomize` shim. With
TGFIX_PROFILE set to {"file": path, "out": path}, every millisecond of CPU time the innermost frame
running in that file counts one sample for its line; at exit the counts go to `out` as JSON.
Python handles signals only at a loop's jump back and at calls, so the lines sampled are the heads
of the loops running and the lines making calls: a nested loop shows as its inner `for` line.
"""

import atexit
import collections
import dis
import functools
import json
import os
import signal

INTERVAL = 0.001  # seconds of CPU time between samples


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


if os.environ.get("TGFIX_PROFILE"):
    sample_lines(**json.loads(os.environ["TGFIX_PROFILE"]))
