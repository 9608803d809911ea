# Plain asserts at the top level: tgfix runs this file as one test.
from solution import count_inversions

assert count_inversions([2, 4, 1, 3, 5]) == 3
assert count_inversions([1, 2, 3]) == 0
assert count_inversions([]) == 0
