# Plain asserts at the top level: tgfix runs this file as one test.
from solution import window_maxima

assert window_maxima([1, 3, -1, -3, 5, 3, 6, 7], 3) == [3, 3, 5, 5, 6, 7]
assert window_maxima([4, 2], 1) == [4, 2]
assert window_maxima([1, 2], 3) == []
