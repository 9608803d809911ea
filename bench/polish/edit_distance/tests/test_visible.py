# Plain asserts at the top level: tgfix runs this file as one test.
from solution import edit_distance

assert edit_distance("horse", "ros") == 3
assert edit_distance("", "abc") == 3
assert edit_distance("same", "same") == 0
