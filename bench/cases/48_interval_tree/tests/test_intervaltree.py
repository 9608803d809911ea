import pytest
from intervaltree import Interval, IntervalTree


def spans(intervals):
    return [(iv.start, iv.end) for iv in intervals]


@pytest.fixture
def tree():
    # inserted in an order that makes a deep-ish, unbalanced tree
    return IntervalTree([(15, 20), (10, 30), (17, 19), (5, 20), (12, 15), (30, 40), (1, 3)])


def test_len_and_sorted_iteration(tree):
    assert len(tree) == 7
    assert spans(tree) == [(1, 3), (5, 20), (10, 30), (12, 15), (15, 20), (17, 19), (30, 40)]


def test_invalid_interval():
    with pytest.raises(ValueError):
        Interval(5, 1)


def test_point_query(tree):
    assert spans(tree.at(18)) == [(5, 20), (10, 30), (15, 20), (17, 19)]


def test_point_query_left_subtree_long_interval(tree):
    assert spans(tree.at(25)) == [(10, 30)]


def test_range_query(tree):
    assert spans(tree.overlap(21, 35)) == [(10, 30), (30, 40)]


def test_touching_endpoints(tree):
    assert spans(tree.overlap(3, 4)) == [(1, 3)]


def test_no_overlap(tree):
    assert tree.overlap(41, 50) == []


def test_envelop(tree):
    assert spans(tree.envelop(4, 21)) == [(5, 20), (12, 15), (15, 20), (17, 19)]


def test_span(tree):
    assert tree.span() == (1, 40)
    assert IntervalTree().span() is None


def test_remove(tree):
    tree.remove(Interval(10, 30))
    assert len(tree) == 6
    assert spans(tree.at(25)) == []


def test_remove_missing(tree):
    with pytest.raises(KeyError):
        tree.remove(Interval(2, 3))


def test_data_payload():
    t = IntervalTree()
    t.addi(0, 10, "a")
    t.addi(5, 6, "b")
    assert [iv.data for iv in t.at(5)] == ["a", "b"]


def test_merged(tree):
    assert tree.merged() == [(1, 3), (5, 40)]


def test_many_random_like_queries():
    ivs = [((i * 37) % 101, (i * 37) % 101 + (i % 7) * 5) for i in range(60)]
    t = IntervalTree(ivs)
    for lo in range(0, 130, 9):
        hi = lo + 4
        expected = sorted((s, e) for s, e in ivs if s <= hi and lo <= e)
        assert spans(t.overlap(lo, hi)) == expected
