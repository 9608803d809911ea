from dates import add_days, day_of_year, days_in_month


def test_same_month():
    assert add_days(2023, 3, 10, 5) == (2023, 3, 15)


def test_zero_days():
    assert add_days(2023, 3, 10, 0) == (2023, 3, 10)


def test_month_end_exactly():
    assert add_days(2023, 4, 1, 29) == (2023, 4, 30)


def test_into_next_month():
    assert add_days(2023, 1, 31, 1) == (2023, 2, 1)


def test_year_rollover():
    assert add_days(2023, 12, 30, 3) == (2024, 1, 2)


def test_leap_february():
    assert add_days(2024, 2, 28, 1) == (2024, 2, 29)


def test_century_not_leap():
    assert days_in_month(1900, 2) == 28


def test_day_of_year():
    assert day_of_year(2023, 3, 1) == 60
