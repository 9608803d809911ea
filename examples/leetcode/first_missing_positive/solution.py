def first_missing_positive(nums):
    """The smallest positive integer missing from nums."""
    expected = 1
    for number in sorted(n for n in nums if n > 0):
        if number == expected:
            expected += 1
        else:
            break
    return expected
