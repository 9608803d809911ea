def longest_unique(s):
    """The length of the longest substring of s with no repeated character."""
    best = 0
    for start in range(len(s)):
        seen = set()
        for char in s[start:]:
            if char in seen:
                break
            seen.add(char)
        best = max(best, len(seen))
    return best
