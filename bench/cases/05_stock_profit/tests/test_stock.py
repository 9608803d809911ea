from stock import max_profit


def test_example_1():
    assert max_profit([7, 1, 5, 3, 6, 4]) == 5


def test_example_2_decreasing():
    assert max_profit([7, 6, 4, 3, 1]) == 0


def test_empty():
    assert max_profit([]) == 0


def test_low_after_high():
    assert max_profit([3, 8, 1, 4]) == 5


def test_late_minimum():
    assert max_profit([9, 11, 2, 10]) == 8
