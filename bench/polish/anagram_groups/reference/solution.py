def group_anagrams(words):
    """The words grouped by anagram, groups and words in input order."""
    groups = {}
    for word in words:
        groups.setdefault("".join(sorted(word)), []).append(word)
    return list(groups.values())
