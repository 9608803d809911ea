"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import window_maxima

nums = list(range(3000, 0, -1))
assert len(window_maxima(nums, 1000)) == 2001
