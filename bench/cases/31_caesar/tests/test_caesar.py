from caesar import encrypt, decrypt


def test_encrypt():
    assert encrypt("abc xyz", 3) == "def abc"


def test_case_and_punctuation():
    assert encrypt("Hello, World!", 1) == "Ifmmp, Xpsme!"


def test_decrypt():
    assert decrypt("def abc", 3) == "abc xyz"


def test_round_trip():
    msg = "The Quick Brown Fox 42"
    for shift in (1, 13, 25, 30):
        assert decrypt(encrypt(msg, shift), shift) == msg
