import functools


def retry(attempts, exceptions=(Exception,), on_retry=None):
    """Decorator: call the function up to `attempts` times in total.

    Only exceptions matching `exceptions` trigger another attempt; anything
    else propagates immediately. When every attempt fails, the last exception
    is re-raised. on_retry(attempt_number, exc) is called before each retry.
    """
    if attempts < 1:
        raise ValueError("attempts must be >= 1")

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts):
                try:
                    return func(*args, **kwargs)
                except Exception as exc:
                    if attempt == attempts:
                        raise
                    if on_retry is not None:
                        on_retry(attempt, exc)
        return wrapper

    return decorate
