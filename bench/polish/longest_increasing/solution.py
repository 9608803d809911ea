def lis_length(nums):
    """The length of the longest strictly increasing subsequence of nums."""
    longest = [1] * len(nums)
    for i in range(len(nums)):
        for j in range(i):
            if nums[j] < nums[i] and longest[j] + 1 > longest[i]:
                longest[i] = longest[j] + 1
    return max(longest, default=0)
