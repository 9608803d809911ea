PAIRS = {")": "(", "]": "[", "}": "{"}


def is_valid(s):
    """True if every bracket in s is closed in the right order."""
    stack = []
    for ch in s:
        if ch in "([{":
            stack.append(ch)
        elif ch in PAIRS:
            if not stack or stack.pop() != PAIRS[ch]:
                return False
    return not stack
