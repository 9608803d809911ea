"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import edit_distance

for _ in range(35):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert edit_distance("kittensit", "sittingon") == 5
