from calendar_utils import is_leap_year


def test_leap_years():
    assert [y for y in (1900, 1996, 2000, 2023, 2024, 2100) if is_leap_year(y)] == [1996, 2000, 2024]
