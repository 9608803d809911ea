def gcd(a, b):
    """Greatest common divisor of two non-negative integers (Euclid)."""
    if b == 0:
        return a
    return gcd(b, a % b)


def lcm(a, b):
    """Least common multiple; lcm(0, x) == 0."""
    if a == 0 or b == 0:
        return 0
    return a // gcd(a, b) * b
