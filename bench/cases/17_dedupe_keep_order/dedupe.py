def dedupe(items):
    """Remove duplicates, keeping the first occurrence of each item in order."""
    return list(set(items))


def dedupe_by(items, key):
    """Like dedupe, but two items are duplicates when key(item) is equal."""
    seen = set()
    result = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            result.append(item)
    return result
