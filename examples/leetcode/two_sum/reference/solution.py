def two_sum(nums, target):
    """Indices [i, j], i < j, of the two numbers in nums that add up to target."""
    seen = {}
    for j, number in enumerate(nums):
        if target - number in seen:
            return [seen[target - number], j]
        seen.setdefault(number, j)
