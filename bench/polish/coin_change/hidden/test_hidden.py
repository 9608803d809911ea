from solution import min_coins


def test_greedy_is_wrong_here():
    assert min_coins([1, 3, 4], 6) == 2


def test_unreachable_odd():
    assert min_coins([2, 4], 7) == -1


def test_exact_single_coin():
    assert min_coins([7, 3], 7) == 1


def test_fast_large_amount():
    assert min_coins([1, 5, 10, 25], 9_999) == 405


def test_fast_unreachable_large_amount():
    assert min_coins([4, 6, 10], 5_001) == -1
