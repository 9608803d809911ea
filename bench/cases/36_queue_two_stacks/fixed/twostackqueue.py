class Queue:
    """FIFO queue built from two LIFO stacks (amortised O(1))."""

    def __init__(self):
        self._in = []
        self._out = []

    def enqueue(self, item):
        self._in.append(item)

    def _shift(self):
        if not self._out:
            while self._in:
                self._out.append(self._in.pop())

    def dequeue(self):
        self._shift()
        if not self._out:
            raise IndexError("dequeue from empty queue")
        return self._out.pop()

    def peek(self):
        self._shift()
        if not self._out:
            raise IndexError("peek at empty queue")
        return self._out[-1]

    def __len__(self):
        return len(self._in) + len(self._out)
