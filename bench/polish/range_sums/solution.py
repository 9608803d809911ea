def range_sums(nums, queries):
    """For each (left, right) query, the sum of nums[left..right], both ends included."""
    sums = []
    for left, right in queries:
        total = 0
        for index in range(left, right + 1):
            total += nums[index]
        sums.append(total)
    return sums
