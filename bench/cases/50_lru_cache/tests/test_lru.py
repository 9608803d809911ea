import pytest
from lru import LRUCache, memoize


def test_get_put():
    c = LRUCache(2)
    c.put("a", 1)
    assert c.get("a") == 1
    assert c.get("zz", "dflt") == "dflt"


def test_capacity_validation():
    with pytest.raises(ValueError):
        LRUCache(0)


def test_evicts_least_recently_used():
    c = LRUCache(2)
    c.put("a", 1)
    c.put("b", 2)
    c.put("c", 3)
    assert "a" not in c
    assert c.keys() == ["b", "c"]


def test_get_refreshes_recency():
    c = LRUCache(2)
    c.put("a", 1)
    c.put("b", 2)
    c.get("a")
    c.put("c", 3)
    assert c.keys() == ["a", "c"]


def test_update_existing_does_not_evict():
    c = LRUCache(2)
    c.put("a", 1)
    c.put("b", 2)
    c.put("a", 10)
    assert len(c) == 2
    assert c.get("a") == 10


def test_on_evict_callback():
    evicted = []
    c = LRUCache(1, on_evict=lambda k, v: evicted.append((k, v)))
    c.put("x", 1)
    c.put("y", 2)
    assert evicted == [("x", 1)]


def test_stats():
    c = LRUCache(3)
    c.put(1, "one")
    c.get(1)
    c.get(2)
    assert (c.hits, c.misses, c.hit_rate) == (1, 1, 0.5)


def test_memoize():
    calls = []

    @memoize(2)
    def square(n):
        calls.append(n)
        return n * n

    assert [square(2), square(3), square(2), square(4), square(3)] == [4, 9, 4, 16, 9]
    assert calls == [2, 3, 4, 3]
