def count_pairs(nums, k):
    """How many index pairs i < j have nums[i] + nums[j] == k."""
    count = 0
    for i in range(len(nums)):
        for j in range(i + 1, len(nums)):
            if nums[i] + nums[j] == k:
                count += 1
    return count
