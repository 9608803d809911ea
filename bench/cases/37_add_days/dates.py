def is_leap(year):
    return year % 4 == 0


def days_in_month(year, month):
    if month == 2:
        return 29 if is_leap(year) else 28
    if month in (4, 6, 9, 11):
        return 30
    return 31


def add_days(year, month, day, n):
    """Return the (year, month, day) n >= 0 days after the given date."""
    while n > 0:
        remaining = days_in_month(year, month) - day
        if n < remaining:
            return year, month, day + n
        n -= remaining + 1
        day = 1
        month += 1
        if month > 12:
            month = 1
            year += 1
    return year, month, day


def day_of_year(year, month, day):
    return sum(days_in_month(year, m) for m in range(1, month)) + day
