import pytest
from twostackqueue import Queue


def test_fifo():
    q = Queue()
    for x in (1, 2, 3):
        q.enqueue(x)
    assert [q.dequeue() for _ in range(3)] == [1, 2, 3]


def test_interleaved():
    q = Queue()
    q.enqueue(1)
    q.enqueue(2)
    assert q.dequeue() == 1
    q.enqueue(3)
    q.enqueue(4)
    assert [q.dequeue() for _ in range(3)] == [2, 3, 4]


def test_peek():
    q = Queue()
    q.enqueue("a")
    q.enqueue("b")
    assert q.peek() == "a"
    assert len(q) == 2


def test_empty():
    with pytest.raises(IndexError):
        Queue().dequeue()
