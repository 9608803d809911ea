"""An augmented binary search tree of closed intervals [start, end].

Nodes are ordered by (start, end, data). Every node stores `max_end`, the
largest end point in its subtree, which lets overlap queries skip subtrees
that cannot contain a match.
"""
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Interval:
    start: float
    end: float
    data: object = None

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"empty interval [{self.start}, {self.end}]")

    def overlaps(self, lo, hi):
        return self.start <= hi and lo <= self.end

    def contains(self, point):
        return self.start <= point <= self.end


class _Node:
    __slots__ = ("interval", "left", "right", "max_end")

    def __init__(self, interval):
        self.interval = interval
        self.left = None
        self.right = None
        self.max_end = interval.end


def _max_end(node):
    return node.max_end if node is not None else float("-inf")


def _recompute(node):
    node.max_end = max(node.interval.end, _max_end(node.left), _max_end(node.right))


class IntervalTree:
    def __init__(self, intervals=()):
        self._root = None
        self._size = 0
        for iv in intervals:
            if isinstance(iv, Interval):
                self.add(iv)
            else:
                self.add(Interval(*iv))

    def __len__(self):
        return self._size

    def __iter__(self):
        """Intervals in sorted order."""
        stack, node = [], self._root
        while stack or node is not None:
            while node is not None:
                stack.append(node)
                node = node.left
            node = stack.pop()
            yield node.interval
            node = node.right

    # -- insertion ---------------------------------------------------------------
    def add(self, interval):
        self._root = self._insert(self._root, interval)
        self._size += 1

    def addi(self, start, end, data=None):
        self.add(Interval(start, end, data))

    def _insert(self, node, interval):
        if node is None:
            return _Node(interval)
        if interval < node.interval:
            node.left = self._insert(node.left, interval)
        else:
            node.right = self._insert(node.right, interval)
        node.max_end = max(node.max_end, interval.start)
        return node

    # -- removal -----------------------------------------------------------------
    def remove(self, interval):
        """Remove one occurrence of interval; KeyError if absent."""
        self._root, removed = self._delete(self._root, interval)
        if not removed:
            raise KeyError(interval)
        self._size -= 1

    def _delete(self, node, interval):
        if node is None:
            return None, False
        if interval < node.interval:
            node.left, removed = self._delete(node.left, interval)
        elif node.interval < interval:
            node.right, removed = self._delete(node.right, interval)
        else:
            removed = True
            if node.left is None:
                return node.right, True
            if node.right is None:
                return node.left, True
            successor = node.right
            while successor.left is not None:
                successor = successor.left
            node.interval = successor.interval
            node.right, _ = self._delete(node.right, successor.interval)
        _recompute(node)
        return node, removed

    # -- queries -------------------------------------------------------------------
    def overlap(self, lo, hi):
        """All intervals intersecting [lo, hi], sorted."""
        found = []
        self._search(self._root, lo, hi, found)
        return found

    def _search(self, node, lo, hi, found):
        if node is None or node.max_end < lo:
            return
        self._search(node.left, lo, hi, found)
        if node.interval.overlaps(lo, hi):
            found.append(node.interval)
        if node.interval.start <= hi:
            self._search(node.right, lo, hi, found)

    def at(self, point):
        """All intervals containing point."""
        return self.overlap(point, point)

    def envelop(self, lo, hi):
        """Intervals lying completely inside [lo, hi]."""
        return [iv for iv in self.overlap(lo, hi) if lo <= iv.start and iv.end <= hi]

    def span(self):
        if self._root is None:
            return None
        first = next(iter(self))
        return first.start, self._root.max_end

    def height(self):
        def h(node):
            return 0 if node is None else 1 + max(h(node.left), h(node.right))
        return h(self._root)

    def merged(self):
        """Union of all intervals as a list of (start, end) tuples."""
        out = []
        for iv in self:
            if out and iv.start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], iv.end))
            else:
                out.append((iv.start, iv.end))
        return out
