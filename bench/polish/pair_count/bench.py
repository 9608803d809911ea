"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import count_pairs

nums = [(i * 7919) % 5000 for i in range(2500)]
for _ in range(6):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert count_pairs(nums, 5000) >= 0
