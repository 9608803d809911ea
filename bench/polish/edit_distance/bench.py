"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`."""
from solution import edit_distance

assert edit_distance("kittensit", "sittingon") == 5
