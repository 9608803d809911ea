"""Errors the user sees as one line, and the one table of exit codes they map to."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """Every exit code tgfix uses, with the meaning `--help` and the README show."""

    description: str

    def __new__(cls, code: int, description: str):
        member = int.__new__(cls, code)
        member._value_ = code
        member.description = description
        return member

    PASSED = 0, "all tests pass"
    IMPROVED = 1, "improved, but tests still fail"
    USAGE = 2, "usage error (bad option or value; FILE missing, binary, a test, a symlink, a secret, ignored by git or too large)"
    NO_IMPROVEMENT = 3, "no improvement found"
    ENVIRONMENT = 4, "environment error (git state or identity, dirty FILE, another run holds the lock, tests changed)"
    MODEL = 5, "model unavailable (not installed, unreachable, key refused)"
    TESTS = 6, "tests unusable (none found, broken test file, command or pytest not found)"
    FAILING = 7, "tests fail at the start of `tgfix polish` (run `tgfix solve` first)"
    INTERNAL = 70, "internal error (a bug in tgfix; -vv shows the traceback)"
    INTERRUPTED = 130, "interrupted (FILE is at its original or last accepted state)"


def epilog(codes: tuple[Exit, ...] = tuple(Exit), meanings: dict[Exit, str] | None = None) -> str:
    """The exit-code table of one command's --help: its codes, with the meanings that differ there."""
    meanings = meanings or {}
    rows = [f"  {int(code):<3} {meanings.get(code, code.description)}" for code in codes]
    return "\b\nExit codes:\n" + "\n".join(rows)


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
