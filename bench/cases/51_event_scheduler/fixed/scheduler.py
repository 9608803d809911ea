"""A deterministic discrete-time event scheduler.

Events are callables scheduled at integer times. run_until(t) fires every due
event in time order (ties broken by scheduling order). Events can repeat with
a fixed interval and can be cancelled through the handle returned when they
are scheduled.
"""
import heapq
import itertools


class SchedulerError(Exception):
    pass


class Handle:
    __slots__ = ("event_id", "name", "cancelled")

    def __init__(self, event_id, name):
        self.event_id = event_id
        self.name = name
        self.cancelled = False

    def cancel(self):
        self.cancelled = True

    def __repr__(self):
        state = "cancelled" if self.cancelled else "active"
        return f"<Handle {self.event_id} {self.name!r} {state}>"


class Scheduler:
    def __init__(self, start_time=0):
        self.now = start_time
        self._queue = []
        self._counter = itertools.count()
        self._ids = itertools.count(1)
        self.fired = []          # (time, name) of every event that ran
        self.errors = []         # (time, name, exception) for failing events

    # -- scheduling ---------------------------------------------------------------
    def at(self, time, callback, name=None, every=None):
        if time < self.now:
            raise SchedulerError(f"cannot schedule in the past ({time} < {self.now})")
        if every is not None and every <= 0:
            raise SchedulerError("repeat interval must be positive")
        handle = Handle(next(self._ids), name or getattr(callback, "__name__", "event"))
        self._push(time, handle, callback, every)
        return handle

    def after(self, delay, callback, name=None, every=None):
        return self.at(self.now + delay, callback, name, every)

    def _push(self, time, handle, callback, every):
        heapq.heappush(self._queue, (time, next(self._counter), handle, callback, every))

    # -- inspection ---------------------------------------------------------------
    def pending(self):
        """(time, name) of scheduled, non-cancelled events in firing order."""
        entries = sorted(self._queue)
        return [(t, h.name) for t, _, h, _, _ in entries if not h.cancelled]

    def next_time(self):
        for t, _, h, _, _ in sorted(self._queue):
            if not h.cancelled:
                return t
        return None

    def __len__(self):
        return sum(1 for entry in self._queue if not entry[2].cancelled)

    # -- execution -------------------------------------------------------------------
    def run_until(self, end_time):
        """Fire every event with time <= end_time; then set now = end_time."""
        if end_time < self.now:
            raise SchedulerError("time cannot go backwards")
        while self._queue and self._queue[0][0] <= end_time:
            time, _, handle, callback, every = heapq.heappop(self._queue)
            if handle.cancelled:
                continue
            self.now = time
            try:
                callback()
            except Exception as exc:  # an event failing must not stop the clock
                self.errors.append((time, handle.name, exc))
            else:
                self.fired.append((time, handle.name))
            if every is not None and not handle.cancelled:
                self._push(time + every, handle, callback, every)
        self.now = end_time
        return len(self.fired)

    def step(self):
        """Advance to the next pending event and run everything due then."""
        t = self.next_time()
        if t is None:
            return False
        self.run_until(t)
        return True

    def run_all(self, limit=10_000):
        """Run until nothing is pending (repeating events need a limit)."""
        steps = 0
        while self.step():
            steps += 1
            if steps >= limit:
                raise SchedulerError("step limit reached")
        return steps

    def cancel_all(self, name):
        count = 0
        for _, _, handle, _, _ in self._queue:
            if handle.name == name and not handle.cancelled:
                handle.cancel()
                count += 1
        return count
