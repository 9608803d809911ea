from collections import Counter
from heapq import nsmallest


def top_k(words, k):
    """The k most frequent words, most frequent first, ties in alphabetical order."""
    counts = Counter(words)
    return [word for _, word in nsmallest(k, ((-n, word) for word, n in counts.items()))]
