def find_duplicates(items):
    """Return the values that occur more than once, in order of first repeat."""
    seen = set()
    dupes = []
    for item in items:
        if item in seen and item not in dupes:
            dupes.append(item)
        seen.add(item)
    return dupes
