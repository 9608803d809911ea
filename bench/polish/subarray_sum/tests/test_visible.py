# Plain asserts at the top level: tgfix runs this file as one test.
from solution import count_subarrays

assert count_subarrays([1, 1, 1], 2) == 2
assert count_subarrays([1, 2, 3], 3) == 2
assert count_subarrays([], 0) == 0
