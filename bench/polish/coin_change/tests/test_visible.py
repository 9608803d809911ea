# Plain asserts at the top level: tgfix runs this file as one test.
from solution import min_coins

assert min_coins([1, 2, 5], 11) == 3
assert min_coins([2], 3) == -1
assert min_coins([1], 0) == 0
