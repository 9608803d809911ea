"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import days_until_warmer

for _ in range(8):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert days_until_warmer([50] * 2500 + [51])[0] == 2500
