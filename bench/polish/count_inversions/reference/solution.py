def count_inversions(nums):
    """How many index pairs i < j have nums[i] > nums[j]."""
    return _sort_and_count(list(nums))[1]


def _sort_and_count(nums):
    if len(nums) <= 1:
        return nums, 0
    middle = len(nums) // 2
    left, left_count = _sort_and_count(nums[:middle])
    right, right_count = _sort_and_count(nums[middle:])
    merged, count, i, j = [], left_count + right_count, 0, 0
    while i < len(left) and j < len(right):
        if right[j] < left[i]:
            merged.append(right[j])
            count += len(left) - i
            j += 1
        else:
            merged.append(left[i])
            i += 1
    return merged + left[i:] + right[j:], count
