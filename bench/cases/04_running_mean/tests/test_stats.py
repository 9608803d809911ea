from stats import running_mean


def test_integers_that_divide_evenly():
    assert running_mean([2, 4, 6]) == [2, 3, 4]


def test_fractional_means():
    assert running_mean([1, 2]) == [1, 1.5]


def test_floats():
    assert running_mean([0.5, 1.5, 1.0]) == [0.5, 1.0, 1.0]


def test_empty():
    assert running_mean([]) == []
