# Plain asserts at the top level: tgfix runs this file as one test.
from solution import top_k

assert top_k(["a", "b", "a", "c", "b", "a"], 2) == ["a", "b"]
assert top_k(["x", "y"], 5) == ["x", "y"]
assert top_k([], 3) == []
