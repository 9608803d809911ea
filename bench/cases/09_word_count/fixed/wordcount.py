import re


def word_counts(text):
    """Count case-insensitive words (letters, digits and apostrophes)."""
    counts = {}
    for word in re.findall(r"[a-z0-9']+", text.lower()):
        counts[word] = counts.get(word, 0) + 1
    return counts


def most_common(text, n):
    counts = word_counts(text)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
