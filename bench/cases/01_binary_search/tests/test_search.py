from search import search


def test_found_in_middle():
    assert search([-1, 0, 3, 5, 9, 12], 9) == 4


def test_missing():
    assert search([-1, 0, 3, 5, 9, 12], 2) == -1


def test_single_element_found():
    assert search([5], 5) == 0


def test_first_and_last():
    nums = [1, 4, 7, 10, 13]
    assert search(nums, 1) == 0
    assert search(nums, 13) == 4


def test_empty():
    assert search([], 3) == -1


def test_every_position():
    nums = list(range(0, 40, 3))
    for i, x in enumerate(nums):
        assert search(nums, x) == i
