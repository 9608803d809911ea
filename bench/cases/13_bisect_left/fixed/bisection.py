def bisect_left(a, x):
    """Index where x should be inserted in sorted list a (leftmost)."""
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def insort(a, x):
    """Insert x into sorted list a, keeping it sorted."""
    a.insert(bisect_left(a, x), x)
