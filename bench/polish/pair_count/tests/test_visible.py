# Plain asserts at the top level: tgfix runs this file as one test.
from solution import count_pairs

assert count_pairs([1, 2, 3, 4, 3], 6) == 2
assert count_pairs([1, 1, 1], 2) == 3
assert count_pairs([], 5) == 0
