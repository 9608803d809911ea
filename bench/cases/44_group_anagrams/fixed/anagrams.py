def group_anagrams(words):
    """Group words that are anagrams of each other.

    Groups keep the input order of their words and are ordered by the
    position of their first word.
    """
    groups = {}
    for word in words:
        key = "".join(sorted(word))
        groups.setdefault(key, []).append(word)
    return list(groups.values())
