def two_sum(nums, target):
    """Indices [i, j], i < j, of the two numbers in nums that add up to target."""
    for i in range(len(nums)):
        for j in range(i + 1, len(nums)):
            if nums[i] + nums[j] == target:
                return [i, j]
