"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import climb_stairs

assert climb_stairs(34) == 9227465
