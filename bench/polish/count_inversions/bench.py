"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import count_inversions

for _ in range(8):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert count_inversions(list(range(2000, 0, -1))) == 1999000
