import random

import pytest

from solution import first_missing_positive


@pytest.mark.parametrize("nums, missing", [
    ([1], 2),
    ([2], 1),
    ([-1, -2], 1),
    ([0], 1),
    ([2, 2, 2, 1, 1], 3),
    ([1, 2, 3, 4, 5], 6),
    ([5, 4, 3, 2, 1], 6),
    ([3, 3, 1, 1, 4], 2),
    ([2**31 - 1, 1], 2),
    ([-2**31, 1, 2, 2, 3, 3, 5], 4),
])
def test_cases(nums, missing):
    assert first_missing_positive(nums) == missing


@pytest.mark.parametrize("seed", range(10))
def test_random_with_duplicates(seed):
    rng = random.Random(seed)
    nums = [rng.randrange(-5, 30) for _ in range(rng.randrange(1, 80))]
    assert first_missing_positive(nums) == next(k for k in range(1, 100) if k not in nums)


def test_permutation_of_one_to_n():
    nums = list(range(1, 10001))
    random.Random(0).shuffle(nums)
    assert first_missing_positive(nums) == 10001
