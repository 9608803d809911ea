import string


def _shift_char(ch, shift):
    for alphabet in (string.ascii_lowercase, string.ascii_uppercase):
        if ch in alphabet:
            return alphabet[(alphabet.index(ch) + shift) % 26]
    return ch


def encrypt(text, shift):
    """Caesar cipher; letters keep their case, other characters pass through."""
    return "".join(_shift_char(ch, shift) for ch in text)


def decrypt(text, shift):
    return "".join(_shift_char(ch, -shift) for ch in text)
