"""Errors the user sees as one line, each with its documented exit code."""

from enum import IntEnum


class Exit(IntEnum):
    PASSED = 0           # all tests pass
    IMPROVED = 1         # improved, but tests still fail
    USAGE = 2            # bad command line or options (click's own code)
    NO_IMPROVEMENT = 3   # nothing better was found
    ENVIRONMENT = 4      # git state, dirty FILE, lock held, bad project layout
    MODEL = 5            # model missing, unreachable or refused the key
    TESTS = 6            # no tests found, test command missing, tests unusable
    FAILING = 7          # `tgfix polish` only: tests fail at the start (make them pass with `tgfix solve` first)
    INTERNAL = 70        # a bug in tgfix
    INTERRUPTED = 130    # Ctrl-C: FILE is at its original or last accepted state


class TgfixError(Exception):
    exit_code = Exit.ENVIRONMENT


class UsageError(TgfixError):
    exit_code = Exit.USAGE


class ModelUnavailable(TgfixError):
    exit_code = Exit.MODEL


class TestSetupError(TgfixError):
    __test__ = False  # a tgfix class, not for pytest to collect
    exit_code = Exit.TESTS


class TestsFailing(TgfixError):
    __test__ = False  # a tgfix class, not for pytest to collect
    exit_code = Exit.FAILING
