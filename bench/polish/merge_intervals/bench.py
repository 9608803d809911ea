"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import merge

intervals = [[3 * i, 3 * i + 1] for i in range(1500, 0, -1)]
assert len(merge(intervals)) == 1500
