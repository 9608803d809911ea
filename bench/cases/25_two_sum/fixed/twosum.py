def two_sum(nums, target):
    """Indices [i, j] (i < j) with nums[i] + nums[j] == target."""
    seen = {}
    for i, x in enumerate(nums):
        need = target - x
        if need in seen:
            return [seen[need], i]
        seen[x] = i
    return []
