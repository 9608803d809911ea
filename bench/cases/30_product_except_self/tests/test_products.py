from products import product_except_self


def test_example_1():
    assert product_except_self([1, 2, 3, 4]) == [24, 12, 8, 6]


def test_with_zero():
    assert product_except_self([-1, 1, 0, -3, 3]) == [0, 0, 9, 0, 0]


def test_two_elements():
    assert product_except_self([5, 7]) == [7, 5]


def test_ones():
    assert product_except_self([1, 1, 1]) == [1, 1, 1]
