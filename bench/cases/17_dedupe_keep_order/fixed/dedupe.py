def dedupe(items):
    """Remove duplicates, keeping the first occurrence of each item in order."""
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result


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
