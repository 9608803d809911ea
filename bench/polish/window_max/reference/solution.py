from collections import deque


def window_maxima(nums, k):
    """The maximum of every window of k consecutive numbers, left to right."""
    maxima, window = [], deque()  # indices whose values decrease from the left end
    for index, number in enumerate(nums):
        while window and nums[window[-1]] <= number:
            window.pop()
        window.append(index)
        if window[0] <= index - k:
            window.popleft()
        if index >= k - 1:
            maxima.append(nums[window[0]])
    return maxima
