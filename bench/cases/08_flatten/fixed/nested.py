def flatten(value):
    """Flatten arbitrarily nested lists/tuples into a flat list.

    Non-sequence values (and strings) are leaves.
    """
    if not isinstance(value, (list, tuple)):
        return [value]
    out = []
    for item in value:
        out.extend(flatten(item))
    return out


def depth(value):
    """Nesting depth: a leaf has depth 0, [] has depth 1."""
    if not isinstance(value, (list, tuple)):
        return 0
    return 1 + max((depth(v) for v in value), default=0)
