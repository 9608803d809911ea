def max_subarray(nums):
    """Largest sum of a non-empty contiguous subarray."""
    best = 0
    current = 0
    for x in nums:
        current = max(x, current + x)
        best = max(best, current)
    return best
