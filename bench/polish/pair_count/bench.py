"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import count_pairs

nums = [(i * 7919) % 5000 for i in range(2500)]
assert count_pairs(nums, 5000) >= 0
