"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import count_inversions

assert count_inversions(list(range(2000, 0, -1))) == 1999000
