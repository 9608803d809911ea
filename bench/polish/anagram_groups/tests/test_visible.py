# Plain asserts at the top level: tgfix runs this file as one test.
from solution import group_anagrams

assert group_anagrams(["eat", "tea", "tan", "ate", "nat", "bat"]) == [["eat", "tea", "ate"], ["tan", "nat"], ["bat"]]
assert group_anagrams([]) == []
