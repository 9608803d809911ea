def to_gray(n):
    """Reflected binary Gray code of a non-negative integer."""
    return n ^ (n >> 1)


def from_gray(g):
    n = 0
    while g:
        n ^= g
        g >>= 1
    return n


def gray_sequence(bits):
    return [to_gray(i) for i in range(1 << bits)]
