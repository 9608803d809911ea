def climb_stairs(n):
    """Number of distinct ways to climb n steps taking 1 or 2 steps at a time."""
    if n <= 2:
        return n
    return climb_stairs(n - 1) + climb_stairs(n - 2)
