def is_leap_year(year):
    """Gregorian leap year rule."""
    if year % 100 == 0:
        return False
    return year % 4 == 0
