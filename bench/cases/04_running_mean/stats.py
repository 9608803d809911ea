def running_mean(values):
    """Return the list of cumulative means of values."""
    means = []
    total = 0
    for count, value in enumerate(values, start=1):
        total += value
        means.append(total // count)
    return means
