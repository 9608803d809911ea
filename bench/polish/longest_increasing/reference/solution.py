from bisect import bisect_left


def lis_length(nums):
    """The length of the longest strictly increasing subsequence of nums."""
    tails = []  # tails[n]: the smallest tail of an increasing subsequence of length n + 1
    for number in nums:
        place = bisect_left(tails, number)
        if place == len(tails):
            tails.append(number)
        else:
            tails[place] = number
    return len(tails)
