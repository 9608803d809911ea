import pytest
from scheduler import Scheduler, SchedulerError


def noop():
    pass


def test_fires_in_time_order():
    s = Scheduler()
    s.at(5, noop, "b")
    s.at(2, noop, "a")
    s.at(9, noop, "c")
    s.run_until(10)
    assert s.fired == [(2, "a"), (5, "b"), (9, "c")]
    assert s.now == 10


def test_ties_keep_scheduling_order():
    s = Scheduler()
    for name in "xyz":
        s.at(3, noop, name)
    s.run_until(3)
    assert [n for _, n in s.fired] == ["x", "y", "z"]


def test_stops_at_end_time():
    s = Scheduler()
    s.at(4, noop, "early")
    s.at(8, noop, "late")
    s.run_until(5)
    assert s.fired == [(4, "early")]
    assert s.pending() == [(8, "late")]


def test_after_is_relative_to_now():
    s = Scheduler(start_time=100)
    s.after(5, noop, "later")
    assert s.pending() == [(105, "later")]


def test_past_rejected():
    s = Scheduler(start_time=10)
    with pytest.raises(SchedulerError):
        s.at(3, noop)


def test_repeating_event():
    s = Scheduler()
    s.at(0, noop, "tick", every=3)
    s.run_until(10)
    assert [t for t, _ in s.fired] == [0, 3, 6, 9]


def test_cancel_before_run():
    s = Scheduler()
    h = s.at(1, noop, "gone")
    s.at(2, noop, "stays")
    h.cancel()
    s.run_until(5)
    assert s.fired == [(2, "stays")]


def test_event_can_cancel_repeating_event():
    s = Scheduler()
    tick = s.at(0, noop, "tick", every=2)
    s.at(5, tick.cancel, "stopper")
    s.run_until(20)
    assert [t for t, n in s.fired if n == "tick"] == [0, 2, 4]


def test_len_and_pending_ignore_cancelled():
    s = Scheduler()
    s.at(1, noop, "a").cancel()
    s.at(2, noop, "b")
    assert len(s) == 1
    assert s.next_time() == 2


def test_errors_recorded_and_clock_continues():
    s = Scheduler()

    def boom():
        raise RuntimeError("bad")

    s.at(1, boom, "boom")
    s.at(2, noop, "ok")
    s.run_until(3)
    assert [(t, n) for t, n, _ in s.errors] == [(1, "boom")]
    assert s.fired == [(2, "ok")]


def test_run_all_and_cancel_all():
    s = Scheduler()
    s.at(1, noop, "a")
    s.at(4, noop, "a")
    s.at(2, noop, "b")
    assert s.cancel_all("a") == 2
    assert s.run_all() == 1
    assert s.fired == [(2, "b")]
