from itertools import accumulate


def range_sums(nums, queries):
    """For each (left, right) query, the sum of nums[left..right], both ends included."""
    prefix = [0, *accumulate(nums)]
    return [prefix[right + 1] - prefix[left] for left, right in queries]
