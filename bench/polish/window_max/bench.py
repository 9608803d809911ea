"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import window_maxima

nums = list(range(3000, 0, -1))
for _ in range(25):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert len(window_maxima(nums, 1000)) == 2001
