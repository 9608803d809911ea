from collections import Counter


def count_subarrays(nums, k):
    """How many contiguous non-empty subarrays of nums sum to k."""
    prefixes = Counter({0: 1})
    total = count = 0
    for number in nums:
        total += number
        count += prefixes[total - k]
        prefixes[total] += 1
    return count
