import pytest
from policy import check_password, is_acceptable


def test_good_password():
    assert check_password("Tr0ub4dor&3x") == []


def test_too_short():
    assert check_password("Ab1!xyz") == ["too_short"]


def test_no_lower():
    assert check_password("ABCDEFGH1!") == ["no_lower"]


def test_no_upper():
    assert check_password("abcdefgh1!") == ["no_upper"]


def test_no_digit():
    assert check_password("Abcdefghi!") == ["no_digit"]


def test_no_symbol():
    assert check_password("Abcdefghi1") == ["no_symbol"]


def test_whitespace():
    assert check_password("Abc def 12!") == ["whitespace"]


def test_contains_username_any_case():
    assert check_password("xX_Alice_2024!", username="alice") == ["contains_username"]


def test_username_absent():
    assert check_password("xX_Bob_2024!z", username="alice") == []


def test_common_password():
    assert "common" in check_password("Password")


def test_multiple_problems_sorted():
    assert check_password("abc") == ["no_digit", "no_symbol", "no_upper", "too_short"]


@pytest.mark.parametrize("pw", ["Sup3r$ecretPass", "N0-Spaces-Here", "9Lives!Cat"])
def test_acceptable(pw):
    assert is_acceptable(pw)
