from twosum import two_sum


def test_example_1():
    assert two_sum([2, 7, 11, 15], 9) == [0, 1]


def test_example_2():
    assert two_sum([3, 2, 4], 6) == [1, 2]


def test_same_value_twice():
    assert two_sum([3, 3], 6) == [0, 1]


def test_negative_numbers():
    assert two_sum([-4, 8, 1, 12], 8) == [0, 3]


def test_no_solution():
    assert two_sum([1, 2], 7) == []
