"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import merge

intervals = [[3 * i, 3 * i + 1] for i in range(1500, 0, -1)]
for _ in range(16):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert len(merge(intervals)) == 1500
