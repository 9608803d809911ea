"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import count_subarrays

nums = [(i * 37) % 11 - 5 for i in range(1500)]
for _ in range(19):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert count_subarrays(nums, 3) >= 0
