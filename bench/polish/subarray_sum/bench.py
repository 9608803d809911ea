"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import count_subarrays

nums = [(i * 37) % 11 - 5 for i in range(1500)]
assert count_subarrays(nums, 3) >= 0
