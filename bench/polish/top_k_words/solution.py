def top_k(words, k):
    """The k most frequent words, most frequent first, ties in alphabetical order."""
    distinct = []
    for word in words:
        if word not in distinct:
            distinct.append(word)
    counted = [(-words.count(word), word) for word in distinct]
    return [word for _, word in sorted(counted)[:k]]
