def longest_unique(s):
    """The length of the longest substring of s with no repeated character."""
    last = {}
    start = best = 0
    for index, char in enumerate(s):
        if last.get(char, -1) >= start:
            start = last[char] + 1
        last[char] = index
        best = max(best, index - start + 1)
    return best
