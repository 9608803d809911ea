"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import range_sums

nums = list(range(6000))
for _ in range(4):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert len(range_sums(nums, [(i, 5999) for i in range(0, 6000, 3)])) == 2000
