# Plain asserts at the top level: tgfix runs this file as one test.
from solution import longest_unique

assert longest_unique("abcabcbb") == 3
assert longest_unique("bbbbb") == 1
assert longest_unique("") == 0
