"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import range_sums

nums = list(range(6000))
assert len(range_sums(nums, [(i, 5999) for i in range(0, 6000, 3)])) == 2000
