class StackFull(Exception):
    pass


class StackEmpty(Exception):
    pass


class BoundedStack:
    def __init__(self, capacity):
        self._items = [None] * capacity
        self._size = 0

    def push(self, item):
        if self._size == len(self._items):
            raise StackFull(item)
        self._items[self._size] = item
        self._size += 1

    def pop(self):
        if self._size == 0:
            raise StackEmpty()
        item = self._items[self._size - 1]
        self._items[self._size] = None
        return item

    def peek(self):
        if self._size == 0:
            raise StackEmpty()
        return self._items[self._size - 1]

    def __len__(self):
        return self._size
