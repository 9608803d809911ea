from stairs import climb_stairs


def test_one():
    assert climb_stairs(1) == 1


def test_two():
    assert climb_stairs(2) == 2


def test_three():
    assert climb_stairs(3) == 3


def test_ten():
    assert climb_stairs(10) == 89
