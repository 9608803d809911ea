def encode(text):
    """'aaabcc' -> '3a1b2c'. Text must not contain digits."""
    if any(ch.isdigit() for ch in text):
        raise ValueError("digits cannot be encoded")
    out = []
    prev, count = None, 0
    for ch in text:
        if ch == prev:
            count += 1
            continue
        if prev is not None:
            out.append(f"{count}{prev}")
        prev, count = ch, 1
    if prev is not None:
        out.append(f"{count}{prev}")
    return "".join(out)


def decode(data):
    """'12a1b' -> 'aaaaaaaaaaaab'."""
    out = []
    count = 0
    for ch in data:
        if ch.isdigit():
            count = count * 10 + int(ch)
        else:
            out.append(ch * count)
            count = 0
    return "".join(out)
