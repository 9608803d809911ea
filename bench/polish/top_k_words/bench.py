"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import top_k

words = [f"w{i % 1500:04d}" for i in range(4000)]
for _ in range(6):  # 1-2 s of the slow solution: the ~0.3 s a sandboxed run adds must not hide a speed-up
    assert len(top_k(words, 10)) == 10
