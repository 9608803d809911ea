from kadane import max_subarray


def test_example_1():
    assert max_subarray([-2, 1, -3, 4, -1, 2, 1, -5, 4]) == 6


def test_single():
    assert max_subarray([1]) == 1


def test_all_positive():
    assert max_subarray([5, 4, -1, 7, 8]) == 23


def test_all_negative():
    assert max_subarray([-3, -1, -2]) == -1


def test_single_negative():
    assert max_subarray([-7]) == -7
