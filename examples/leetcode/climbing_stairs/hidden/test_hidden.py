import pytest

from solution import climb_stairs

WAYS = [1, 1]  # WAYS[n]: ways to climb n steps
for _ in range(30):
    WAYS.append(WAYS[-1] + WAYS[-2])


@pytest.mark.parametrize("n", range(1, 26))
def test_small(n):
    assert climb_stairs(n) == WAYS[n]


def test_thirty():
    assert climb_stairs(30) == 1346269
