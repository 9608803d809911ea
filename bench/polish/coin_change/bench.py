"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import min_coins

for _ in range(7):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert min_coins([1, 2, 5], 25) == 5
