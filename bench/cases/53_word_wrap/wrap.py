def wrap(text, width):
    """Greedy word wrap. Words longer than width are split across lines."""
    if width < 1:
        raise ValueError("width must be positive")
    lines = []
    current = ""
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        candidate = word if not current else current + " " + word
        if len(candidate) <= width:
            current = candidate
            i += 1
        elif current:
            lines.append(current)
            current = ""
        else:
            lines.append(word[:width])
    if current:
        lines.append(current)
    return lines


def fill(text, width):
    return "\n".join(wrap(text, width))
