"""Benchmark for `tgfix polish --bench-cmd "python bench.py"`: the only pair sits at the end of a long list."""
from solution import two_sum

N = 3000
nums = [10 * k for k in range(N)] + [3, 4]  # multiples of 10: only 3 + 4 makes 7
assert two_sum(nums, 7) == [N, N + 1]
