import pytest
from bstack import BoundedStack, StackFull, StackEmpty


def test_push_pop_order():
    s = BoundedStack(3)
    s.push(1)
    s.push(2)
    assert s.pop() == 2
    assert s.pop() == 1


def test_len_tracks_pops():
    s = BoundedStack(3)
    s.push("a")
    s.push("b")
    s.pop()
    assert len(s) == 1


def test_full():
    s = BoundedStack(1)
    s.push(1)
    with pytest.raises(StackFull):
        s.push(2)


def test_empty():
    with pytest.raises(StackEmpty):
        BoundedStack(2).pop()


def test_reuse_after_pop():
    s = BoundedStack(2)
    s.push(1)
    s.push(2)
    s.pop()
    s.push(3)
    assert s.peek() == 3
