import string

COMMON = {"password", "123456", "qwerty", "letmein", "admin"}


def check_password(pw, username=""):
    """Return a sorted list of rule violations (empty list = acceptable).

    Rules: at least 10 characters; at least one lowercase, one uppercase, one
    digit and one punctuation character; no whitespace; must not contain the
    username (case-insensitive); must not be a common password.
    """
    problems = []
    if len(pw) < 10:
        problems.append("too_short")
    if not any(c in string.ascii_lowercase for c in pw):
        problems.append("no_lower")
    if not any(c in string.ascii_uppercase for c in pw):
        problems.append("no_upper")
    if not any(c in string.digits for c in pw):
        problems.append("no_digit")
    if not any(c in string.punctuation for c in pw):
        problems.append("no_symbol")
    if any(c.isspace() for c in pw):
        problems.append("whitespace")
    if username and username.lower() in pw.lower():
        problems.append("contains_username")
    if pw.lower() in COMMON:
        problems.append("common")
    return sorted(problems)


def is_acceptable(pw, username=""):
    return not check_password(pw, username)
