"""The project's tests as the settings configure them: the loss every command runs.

Kept out of the engine (tgfix.loss knows nothing of settings) and out of the session (which
loads litellm: the hook builds its tests before it knows a model is needed).
"""

from __future__ import annotations

from pathlib import Path

from tgfix.config import Settings
from tgfix.errors import UsageError
from tgfix.loss import TestLoss, read_problem, split_node_id
from tgfix.sandbox import Access, Limits


def configured_tests(settings: Settings) -> TestLoss:
    """The project's tests as configured (flags, env, pyproject); one-line errors when there are none."""
    if not settings.tests and not settings.test_cmd:
        raise UsageError("no tests: pass --tests PATH or --test-cmd CMD (or set them in [tool.tgfix])")
    for selector in settings.tests:
        path, _ = split_node_id(selector)
        if not Path(path).exists():
            raise UsageError(f"no such tests path: {path}")
    if settings.tests_k is not None and not settings.tests:
        raise UsageError("--tests-k selects among pytest tests: pass --tests PATH too")
    return TestLoss(tests=settings.tests, keyword=settings.tests_k, command=settings.test_cmd,
                    test_timeout=settings.test_timeout, limits=Limits(), problem=read_problem(settings.problem),
                    localize=settings.localize, python=settings.python, trace=settings.trace,
                    access=Access(settings.pass_env, settings.network))
