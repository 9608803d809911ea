from clamp import clamp


def test_clamp():
    assert [clamp(x, 0, 10) for x in (-5, 0, 7, 10, 15)] == [0, 0, 7, 10, 10]
