def product_except_self(nums):
    """answer[i] = product of all nums except nums[i], without division."""
    n = len(nums)
    answer = [1] * n
    prefix = 1
    for i in range(n):
        answer[i] = prefix
        prefix *= nums[i]
    suffix = 1
    for i in range(n - 1, -1, -1):
        answer[i] *= suffix
        suffix += nums[i]
    return answer
