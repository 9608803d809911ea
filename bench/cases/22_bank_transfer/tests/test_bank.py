import pytest
from bank import Account, transfer, InsufficientFunds


def test_deposit():
    a = Account("ann")
    a.deposit(50)
    assert a.balance == 50
    assert a.history == [("deposit", 50)]


def test_withdraw_too_much():
    a = Account("ann", 10)
    with pytest.raises(InsufficientFunds):
        a.withdraw(11)


def test_transfer_moves_money():
    a, b = Account("ann", 100), Account("bob", 5)
    transfer(a, b, 30)
    assert (a.balance, b.balance) == (70, 35)


def test_transfer_history():
    a, b = Account("ann", 100), Account("bob")
    transfer(a, b, 30)
    assert a.history == [("withdraw", 30)]
    assert b.history == [("deposit", 30)]


def test_failed_transfer_changes_nothing():
    a, b = Account("ann", 10), Account("bob")
    with pytest.raises(InsufficientFunds):
        transfer(a, b, 30)
    assert (a.balance, b.balance) == (10, 0)
