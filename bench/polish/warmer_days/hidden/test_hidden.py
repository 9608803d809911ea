from solution import days_until_warmer


def test_increasing():
    assert days_until_warmer([1, 2, 3]) == [1, 1, 0]


def test_equal_is_not_warmer():
    assert days_until_warmer([5, 5, 6]) == [2, 1, 0]


def test_negative():
    assert days_until_warmer([-3, -5, -1]) == [2, 1, 0]


def test_fast_long_wait():
    waits = days_until_warmer([50] * 20_000 + [51])
    assert waits[:3] == [20_000, 19_999, 19_998] and waits[-1] == 0
