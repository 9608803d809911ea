import pytest
from fractions import Fraction
from matrix import Matrix


def test_shape_and_identity():
    assert Matrix.identity(3).shape == (3, 3)
    assert Matrix.identity(2) == Matrix([[1, 0], [0, 1]])


def test_ragged_rejected():
    with pytest.raises(ValueError):
        Matrix([[1, 2], [3]])


def test_add_sub():
    a = Matrix([[1, 2], [3, 4]])
    b = Matrix([[5, 6], [7, 8]])
    assert a + b == Matrix([[6, 8], [10, 12]])
    assert b - a == Matrix([[4, 4], [4, 4]])


def test_transpose():
    assert Matrix([[1, 2, 3], [4, 5, 6]]).transpose() == Matrix([[1, 4], [2, 5], [3, 6]])


def test_square_product():
    a = Matrix([[1, 2], [3, 4]])
    assert a @ Matrix.identity(2) == a
    assert a @ a == Matrix([[7, 10], [15, 22]])


def test_rectangular_product():
    a = Matrix([[1, 2, 3], [4, 5, 6]])          # 2x3
    b = Matrix([[7, 8], [9, 10], [11, 12]])     # 3x2
    assert a @ b == Matrix([[58, 64], [139, 154]])


def test_row_times_column():
    assert (Matrix([[1, 2, 3]]) @ Matrix([[4], [5], [6]])) == Matrix([[32]])


def test_shape_mismatch():
    with pytest.raises(ValueError):
        Matrix([[1, 2]]) @ Matrix([[1, 2]])


def test_determinant_2x2():
    assert Matrix([[3, 8], [4, 6]]).determinant() == -14


def test_determinant_3x3():
    assert Matrix([[6, 1, 1], [4, -2, 5], [2, 8, 7]]).determinant() == -306


def test_determinant_1x1():
    assert Matrix([[5]]).determinant() == 5


def test_inverse():
    a = Matrix([[4, 7], [2, 6]])
    inv = a.inverse()
    assert inv == Matrix([[Fraction(3, 5), Fraction(-7, 10)], [Fraction(-1, 5), Fraction(2, 5)]])
    assert a @ inv == Matrix.identity(2)


def test_singular():
    with pytest.raises(ValueError):
        Matrix([[1, 2], [2, 4]]).inverse()


def test_trace():
    assert Matrix([[1, 2], [3, 4]]).trace() == 5
