"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import lis_length

nums = [(i * 7919) % 2003 for i in range(2000)]
for _ in range(11):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert lis_length(nums) > 0
