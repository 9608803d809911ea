from bisection import bisect_left, insort

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


def test_present():
    with time_limit(0.5):
        assert bisect_left([1, 3, 5, 7], 5) == 2


def test_duplicates_leftmost():
    with time_limit(0.5):
        assert bisect_left([1, 2, 2, 2, 3], 2) == 1


def test_before_all():
    with time_limit(0.5):
        assert bisect_left([4, 5], 1) == 0


def test_after_all():
    with time_limit(0.5):
        assert bisect_left([4, 5], 9) == 2


def test_empty():
    with time_limit(0.5):
        assert bisect_left([], 3) == 0


def test_insort():
    a = []
    with time_limit(0.5):
        for x in [5, 1, 4, 1, 3]:
            insort(a, x)
    assert a == [1, 1, 3, 4, 5]
