def group_anagrams(words):
    """The words grouped by anagram, groups and words in input order."""
    groups = []
    for word in words:
        for group in groups:
            if sorted(group[0]) == sorted(word):
                group.append(word)
                break
        else:
            groups.append([word])
    return groups
