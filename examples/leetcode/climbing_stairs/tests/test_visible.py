from solution import climb_stairs


def test_examples():
    assert climb_stairs(2) == 2
    assert climb_stairs(3) == 3


def test_one_step():
    assert climb_stairs(1) == 1
