"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import range_sums

nums = list(range(3000))
assert len(range_sums(nums, [(i, 2999) for i in range(0, 3000, 3)])) == 1000
