from collections import Counter


def count_pairs(nums, k):
    """How many index pairs i < j have nums[i] + nums[j] == k."""
    seen = Counter()
    count = 0
    for number in nums:
        count += seen[k - number]
        seen[number] += 1
    return count
