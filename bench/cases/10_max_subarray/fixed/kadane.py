def max_subarray(nums):
    """Largest sum of a non-empty contiguous subarray."""
    best = current = nums[0]
    for x in nums[1:]:
        current = max(x, current + x)
        best = max(best, current)
    return best
