"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import longest_unique

s = "".join(chr(0x4E00 + i % 1000) for i in range(2000))
assert longest_unique(s) == 1000
