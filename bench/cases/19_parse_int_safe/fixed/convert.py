def to_int(text, default=None):
    """Parse text as an int; return default if it is not a valid integer."""
    try:
        return int(text.strip())
    except ValueError:
        return default


def parse_ints(texts):
    """Parse many values, skipping the invalid ones."""
    return [n for n in (to_int(t) for t in texts) if n is not None]
