"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import lis_length

nums = [(i * 7919) % 2003 for i in range(2000)]
assert lis_length(nums) > 0
