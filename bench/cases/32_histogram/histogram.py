def histogram(values, bins, lo, hi):
    """Counts of values in `bins` equal-width bins covering [lo, hi].

    Values outside [lo, hi] are ignored. A value equal to hi belongs to the
    last bin.
    """
    if bins <= 0 or hi <= lo:
        raise ValueError("need bins > 0 and hi > lo")
    counts = [0] * bins
    width = (hi - lo) / bins
    for v in values:
        if v < lo or v > hi:
            continue
        index = int((v - lo) / width)
        counts[index] += 1
    return counts


def render(counts, char="#"):
    """One text row per bin, scaled so the largest bin has 10 chars."""
    peak = sum(counts)
    rows = []
    for c in counts:
        n = round(10 * c / peak) if peak else 0
        rows.append(char * n)
    return rows
