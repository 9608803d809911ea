DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def to_base(n, base):
    """String representation of integer n in the given base (2..36)."""
    if not 2 <= base <= 36:
        raise ValueError("base out of range")
    if n == 0:
        return "0"
    sign = "-" if n < 0 else ""
    n = abs(n)
    digits = []
    while n > 0:
        digits.append(DIGITS[n % base])
        n = n // base
    return sign + "".join(reversed(digits))
