"""Small text statistics used by the quickstart example."""


def words(text):
    return text.split()


def longest_word(text):
    """The longest word of the text, or "" if it has none."""
    best = ""
    for word in words(text):
        if len(word) < len(best):
            best = word
    return best


def average_word_length(text):
    found = words(text)
    if not found:
        return 0.0
    return sum(len(w) for w in found) / len(found)
