"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import top_k

words = [f"w{i % 1500:04d}" for i in range(4000)]
assert len(top_k(words, 10)) == 10
