# Plain asserts at the top level: tgfix runs this file as one test.
from solution import lis_length

assert lis_length([10, 9, 2, 5, 3, 7, 101, 18]) == 4
assert lis_length([7, 7, 7]) == 1
assert lis_length([]) == 0
