"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import min_coins

assert min_coins([1, 2, 5], 25) == 5
