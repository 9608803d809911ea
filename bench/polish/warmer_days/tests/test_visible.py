# Plain asserts at the top level: tgfix runs this file as one test.
from solution import days_until_warmer

assert days_until_warmer([73, 74, 75, 71, 69, 72, 76, 73]) == [1, 1, 4, 2, 1, 1, 0, 0]
assert days_until_warmer([30, 30]) == [0, 0]
assert days_until_warmer([]) == []
