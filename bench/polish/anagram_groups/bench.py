"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import group_anagrams

words = [f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(676)] * 2
assert len(group_anagrams(words)) == 351
