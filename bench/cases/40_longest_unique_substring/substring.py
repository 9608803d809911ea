def length_of_longest_substring(s):
    """Length of the longest substring of s without repeating characters."""
    last_seen = {}
    start = 0
    best = 0
    for i, ch in enumerate(s):
        if ch in last_seen:
            start = last_seen[ch] + 1
        last_seen[ch] = i
        best = max(best, i - start)
    return best
