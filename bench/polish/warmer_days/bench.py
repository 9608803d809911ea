"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import days_until_warmer

assert days_until_warmer([50] * 2500 + [51])[0] == 2500
