def window_maxima(nums, k):
    """The maximum of every window of k consecutive numbers, left to right."""
    maxima = []
    for start in range(len(nums) - k + 1):
        best = nums[start]
        for number in nums[start + 1:start + k]:
            if number > best:
                best = number
        maxima.append(best)
    return maxima
