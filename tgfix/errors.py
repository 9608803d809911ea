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
    USAGE = 2, "usage error (bad option or value, from a flag, a variable or pyproject.toml; an unknown model; FILE missing, a folder, binary, a test, a symlink, a secret, ignored by git, or with a function too large for the model's context; no FILE with --test-cmd, or failing tests that point at no source file; a --report that is a folder)"
    NO_IMPROVEMENT = 3, "no improvement found (also when every remaining test turned out flaky)"
    ENVIRONMENT = 4, "environment error (git state or identity, dirty FILE, FILE or the --report folder not writable, no room for the test copy, another run holds the lock, tests changed)"
    MODEL = 5, "model unavailable (not installed, unreachable, key refused, wrong address or model, an answer that is no chat completion)"
    TESTS = 6, "tests unusable (none found, broken test file, a command that cannot start, pytest not found, every test flaky, the tests import an installed copy of FILE, or the sandbox hides what they need: a variable, the network, a module)"
    FAILING = 7, "tests fail at the start of `tgfix polish` (run `tgfix solve` first)"
    INTERNAL = 70, "internal error (a bug in tgfix; -vv or TGFIX_TRACEBACK=1 shows the traceback)"
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
