"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import group_anagrams

words = [f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(676)] * 2
for _ in range(10):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert len(group_anagrams(words)) == 351
