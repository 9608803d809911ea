from numtheory import gcd, lcm


def test_gcd():
    assert gcd(48, 18) == 6


def test_gcd_coprime():
    assert gcd(17, 5) == 1


def test_gcd_with_zero():
    assert gcd(7, 0) == 7


def test_lcm():
    assert lcm(4, 6) == 12


def test_lcm_zero():
    assert lcm(0, 9) == 0
