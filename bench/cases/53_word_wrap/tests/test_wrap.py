import pytest
from wrap import wrap, fill

import signal
import contextlib


@contextlib.contextmanager
def time_limit(seconds):
    """Fail (instead of hanging) if the block runs longer than `seconds`."""
    def _alarm(signum, frame):
        raise TimeoutError(f"did not finish within {seconds}s (infinite loop?)")
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_simple():
    with time_limit(0.5):
        assert wrap("the quick brown fox", 10) == ["the quick", "brown fox"]


def test_exact_fit():
    with time_limit(0.5):
        assert wrap("abc def", 7) == ["abc def"]


def test_empty():
    with time_limit(0.5):
        assert wrap("   ", 5) == []


def test_long_word_is_split():
    with time_limit(0.5):
        assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_long_word_after_short():
    with time_limit(0.5):
        assert wrap("hi supercalifragilistic", 8) == ["hi", "supercal", "ifragili", "stic"]


def test_fill():
    with time_limit(0.5):
        assert fill("a b c d", 3) == "a b\nc d"


def test_bad_width():
    with pytest.raises(ValueError):
        wrap("x", 0)
