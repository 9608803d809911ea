def longest_common_prefix(strs):
    """Longest string that is a prefix of every string in strs."""
    if not strs:
        return ""
    prefix = strs[0]
    for s in strs[1:]:
        while not s.startswith(prefix):
            prefix = prefix[:-1]
    return prefix
