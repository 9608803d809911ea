import pytest
from retry import retry


class Flaky:
    def __init__(self, failures, exc=ConnectionError):
        self.failures = failures
        self.calls = 0
        self.exc = exc

    def __call__(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.exc(f"failure {self.calls}")
        return "ok"


def test_succeeds_first_time():
    f = Flaky(0)
    assert retry(3)(f)() == "ok"
    assert f.calls == 1


def test_succeeds_on_last_attempt():
    f = Flaky(2)
    assert retry(3, exceptions=(ConnectionError,))(f)() == "ok"
    assert f.calls == 3


def test_gives_up_after_attempts():
    f = Flaky(5)
    with pytest.raises(ConnectionError):
        retry(3, exceptions=(ConnectionError,))(f)()
    assert f.calls == 3


def test_other_exceptions_not_retried():
    f = Flaky(1, exc=KeyError)
    with pytest.raises(KeyError):
        retry(3, exceptions=(ConnectionError,))(f)()
    assert f.calls == 1


def test_on_retry_callback():
    seen = []
    f = Flaky(2)
    retry(4, on_retry=lambda n, e: seen.append((n, str(e))))(f)()
    assert seen == [(1, "failure 1"), (2, "failure 2")]


def test_bad_attempts():
    with pytest.raises(ValueError):
        retry(0)
