"""The repair loop: forward, backward, step, validate, commit; until the tests pass or the budget ends.

The CLI and the git hook both drive this; it prints nothing itself and reports through `on_event`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from tgfix import git, local, patch, sandbox
from tgfix.config import Settings
from tgfix.errors import Exit, TgfixError, UsageError
from tgfix.llm import LLM, CallBudgetSpent, DiskCache, Ledger, context_window, default_model
from tgfix.loss import Loss, TestLoss, read_problem
from tgfix.optimizer import TGD, StepResult
from tgfix.variable import Variable, project_root

SECRET_FILES = (".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
                ".netrc", ".pypirc", ".npmrc", ".htpasswd", ".git-credentials", "credentials", "credentials.json")
CHARS_PER_TOKEN = 3  # a cautious estimate for code


@dataclass(frozen=True)
class Iteration:
    number: int
    file: str
    loss: Loss
    gradient: str
    step: StepResult
    commit: str | None
    seconds: float
    calls: int
    tokens: int
    cost: float


@dataclass
class Run:
    """What a run did, for the summary and the JSON report."""

    variables: list[Variable]
    originals: dict[str, str]
    initial: dict[str, Loss] = field(default_factory=dict)
    iterations: list[Iteration] = field(default_factory=list)
    final: Loss | None = None
    stop_reason: str = ""
    ledger: Ledger = field(default_factory=Ledger)
    committed: bool = False

    @property
    def improved(self) -> bool:
        return any(i.step.accepted for i in self.iterations)

    @property
    def exit_code(self) -> Exit:
        if self.final is not None and self.final.passed:
            return Exit.PASSED
        return Exit.IMPROVED if self.improved else Exit.NO_IMPROVEMENT

    def diff(self) -> str:
        return "".join(patch.make_diff(self.originals[x.name], x.value, x.name) for x in self.variables)


Event = Callable[[str, object], None]  # (kind, payload): "status" str, "start" Run, "iteration" Iteration


def solve(files: list[str], settings: Settings, on_event: Event = lambda kind, payload: None) -> Run:
    with session(files, settings) as (variables, editor, critic, repo):
        loss_fn = TestLoss.from_settings(settings)
        run = Run(variables, {x.name: x.value for x in variables}, ledger=editor.ledger, committed=bool(repo))
        optimizer = TGD(variables, editor, edit_format=settings.edit_format, candidates=settings.candidates,
                        memory=settings.memory, on_status=lambda text: on_event("status", text))
        _loop(run, loss_fn, optimizer, critic, repo, settings, on_event)
    return run


@contextmanager
def session(files: list[str], settings: Settings) -> Iterator[tuple[list[Variable], LLM, LLM, object]]:
    """What every optimization loop needs, checked in this order: the variables, the editor and critic
    engines, the git repository (None with --no-commit), and the run lock; the test files must not
    change meanwhile."""
    _check_budget(settings)
    variables = _variables(files, settings)
    editor, critic = engines(settings)
    _check_fits(variables, editor, critic)
    repo = git.open_repo(variables[0].root) if settings.commit else None
    if repo:
        for x in variables:
            git.check_committable(repo, x.path, settings.allow_dirty)
    with git.run_lock(variables[0].root):
        tests = _test_files(settings, variables)
        yield variables, editor, critic, repo
        if _test_files(settings, variables) != tests:
            raise TgfixError("the test files changed during the run: tgfix never writes them, something else did")


def _loop(run: Run, loss_fn: TestLoss, optimizer: TGD, critic: LLM, repo, settings: Settings, on_event: Event):
    losses = run.initial = _forward(run.variables, loss_fn, on_event)
    on_event("start", run)
    idle = 0
    for number in range(1, settings.max_iters + 1):
        if all(loss.passed for loss in losses.values()):
            break
        accepted = False
        try:
            for x in run.variables:
                if losses[x.name].passed:
                    break
                iteration = iterate(number, x, losses[x.name], optimizer, critic, critiques(settings, number),
                                    on_event)
                if iteration.step.accepted:
                    accepted = True
                    iteration = replace(iteration, commit=save(x, iteration, repo))
                    losses = _forward(run.variables, loss_fn, on_event)
                run.iterations.append(iteration)
                on_event("iteration", iteration)
        except CallBudgetSpent as spent:
            run.stop_reason = str(spent)
            break
        idle = 0 if accepted else idle + 1
        run.stop_reason = budget_spent(run, idle, settings)
        if run.stop_reason:
            break
    run.final = losses[run.variables[-1].name]
    run.stop_reason = _stop_reason(run, settings)


def budget_spent(run: Run, idle: int, settings: Settings, wanted: str = "improvement") -> str:
    """Why the loop must stop now (cost spent, patience lost), or "" to go on."""
    if settings.max_cost is not None and run.ledger.cost >= settings.max_cost:
        return f"cost budget ${settings.max_cost:g} spent"
    if idle >= settings.patience:
        return f"no {wanted} in {idle} iterations (patience)"
    return ""


def _forward(variables: list[Variable], loss_fn: TestLoss, on_event: Event) -> dict[str, Loss]:
    on_event("status", "running the tests")
    return {x.name: loss_fn(x) for x in variables}


def _stop_reason(run: Run, settings: Settings) -> str:
    if run.final.passed:
        return "all tests pass"
    return run.stop_reason or f"iteration budget ({settings.max_iters}) used"


def critiques(settings: Settings, number: int) -> bool:
    """Whether iteration `number` writes a critique before its step (the --gradient schedule)."""
    return settings.gradient == "always" or (settings.gradient == "after-first" and number > 1)


def iterate(number: int, x: Variable, loss: Loss, optimizer: TGD, critic: LLM, critique: bool,
            on_event: Event) -> Iteration:
    started, calls, tokens, cost = time.monotonic(), critic.ledger.calls, _tokens(critic.ledger), critic.ledger.cost
    if critique:
        on_event("status", f"writing the gradient for {x.name}")
        loss.backward(critic)
    else:
        loss.as_gradient()
    step = optimizer.step()[0]
    gradient = x.grad.text
    optimizer.zero_grad()
    ledger = critic.ledger
    return Iteration(number, x.name, loss, gradient, step, None, time.monotonic() - started,
                     ledger.calls - calls, _tokens(ledger) - tokens, ledger.cost - cost)


def save(x: Variable, iteration: Iteration, repo, verb: str = "edit") -> str | None:
    write_atomically(x.path, x.value)
    if repo is None:
        return None
    what = patch.describe_change(iteration.step.diff, x.value, verb) or f"{verb} {x.name}"
    message = f"tgfix: {what} ({iteration.step.reason})\n\n{iteration.gradient}\n"
    return git.commit_file(repo, x.path, message)


def write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tgfix")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _tokens(ledger: Ledger) -> int:
    return ledger.prompt_tokens + ledger.completion_tokens


def _variables(files: list[str], settings: Settings) -> list[Variable]:
    paths = [Path(f) for f in files]
    for path in paths:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        if path.is_symlink():
            raise UsageError(f"{path} is a symlink: pass the file it points to, {path.resolve()}")
    root = project_root(paths[0].resolve())
    repo = git.open_repo(root)
    for path in paths + ([Path(settings.problem)] if settings.problem else []):
        _check_shareable(path, repo)
    for path in paths:
        if settings.tests and path.suffix != ".py":
            raise UsageError(f"{path} is not a Python file; use --test-cmd to repair other files")
    problem = read_problem(settings.problem)
    role = settings.role or ("the solution to the problem statement below" if problem else None)
    return [Variable.from_file(path, role=role, root=root) for path in paths]


def _check_shareable(path: Path, repo) -> None:
    """Only what the user would commit goes to the model: no secrets, nothing git ignores."""
    if any(fnmatch.fnmatch(path.name, pattern) for pattern in SECRET_FILES):
        raise UsageError(f"{path} looks like a secret: tgfix does not send it to the model")
    if repo and git.is_ignored(repo, path):
        raise UsageError(f"{path} is ignored by git: tgfix does not send ignored files to the model")


def _check_budget(settings: Settings) -> None:
    for name in ("max_iters", "candidates"):
        if getattr(settings, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be at least 1")


def _check_fits(variables: list[Variable], *engines: LLM) -> None:
    for engine in engines:
        window = context_window(engine.model)
        for x in variables:
            tokens = len(x.value) // CHARS_PER_TOKEN
            if window and tokens > window - engine.max_tokens:
                raise UsageError(f"{x.name} is too large for {engine.model}: about {tokens:,} tokens, and its "
                                 f"context holds {window:,} less {engine.max_tokens:,} for the reply")


def _test_files(settings: Settings, variables: list[Variable]) -> dict[Path, str]:
    """sha256 of every file under the test paths but FILES, which tgfix must never change."""
    mine = {x.path for x in variables}
    return {path: hashlib.sha256(path.read_bytes()).hexdigest()
            for top in settings.tests for path in sandbox.files_under(Path(top)) if path.resolve() not in mine}


def engines(settings: Settings) -> tuple[LLM, LLM]:
    model = settings.model or default_model()
    cache = DiskCache(local.cache_dir() / "completions") if settings.cache else None
    ledger = Ledger(max_calls=settings.max_calls)
    common = dict(temperature=settings.temperature, seed=settings.seed, max_tokens=settings.max_tokens,
                  cache=cache, api_base=settings.api_base, ledger=ledger)
    editor = LLM(model, **common)
    critic = LLM(settings.gradient_model, **common) if settings.gradient_model else editor
    return editor, critic
