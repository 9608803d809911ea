def edit_distance(a, b):
    """The fewest insertions, deletions and substitutions turning a into b."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(previous[j - 1] if char_a == char_b
                           else 1 + min(previous[j], current[j - 1], previous[j - 1]))
        previous = current
    return previous[-1]
