def rotate_right(items, k):
    """Rotate a list right by k steps in place and return it."""
    if not items:
        return items
    for _ in range(k % len(items)):
        items.insert(0, items.pop(0))
    return items
