# Plain asserts at the top level: tgfix runs this file as one test.
from solution import range_sums

assert range_sums([1, 2, 3, 4], [(0, 1), (1, 3), (2, 2)]) == [3, 9, 3]
assert range_sums([5], []) == []
