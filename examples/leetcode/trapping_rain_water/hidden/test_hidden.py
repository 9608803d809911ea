import random

import pytest

from solution import trap


def brute_force(height):
    return sum(max(0, min(max(height[:i + 1]), max(height[i:])) - h) for i, h in enumerate(height))


@pytest.mark.parametrize("height, water", [
    ([], 0),
    ([5], 0),
    ([2, 1], 0),
    ([1, 2, 3, 4], 0),
    ([4, 3, 2, 1], 0),
    ([5, 0, 3, 0, 1], 4),
    ([3, 0, 1, 0, 2], 5),
    ([2, 0, 2], 2),
    ([3, 3, 0, 3, 3], 3),
    ([0, 7, 1, 4, 6], 7),
])
def test_edge_cases(height, water):
    assert trap(height) == water


@pytest.mark.parametrize("seed", range(20))
def test_random_against_brute_force(seed):
    rng = random.Random(seed)
    height = [rng.randrange(10) for _ in range(rng.randrange(1, 60))]
    assert trap(height) == brute_force(height)


def test_long_valley():
    assert trap([10**5] + [0] * 20000 + [10**5]) == 20000 * 10**5
