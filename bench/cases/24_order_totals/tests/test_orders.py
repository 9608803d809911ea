from orders import order_totals, grand_total

LINES = [("A", 2, 5), ("B", 1, 10), ("A", 1, 3), ("C", 4, 1)]


def test_single_line():
    assert grand_total([("A", 3, 4)]) == 12


def test_grand_total():
    assert grand_total(LINES) == 27


def test_order_totals():
    assert order_totals(LINES) == {"A": 13, "B": 10, "C": 4}


def test_empty():
    assert grand_total([]) == 0
    assert order_totals([]) == {}
