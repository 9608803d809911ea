"""What every command's loop runs inside: the checked variables, the engines, git, the run lock.

Every check that can fail runs here, before the first model call, in this order: the
budget, the files (each a text file the user would share, not a test, writable unless
--dry-run), the model's context and the reply cache, git (a branch, a committable FILE, an
author), then the lock. The test files are hashed
on entry and checked on exit: tgfix never writes them.
"""

from __future__ import annotations

import fnmatch
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

from tgfix import console, excerpt, git, local, patch, sandbox
from tgfix.budget import Budget
from tgfix.config import Settings
from tgfix.errors import Exit, TgfixError, UsageError
from tgfix.files import unwritable, write_atomically
from tgfix.lock import run_lock
from tgfix.loop import Iteration, Outcome, Reporter
from tgfix.llm import LLM, DiskCache, Usage, context_window
from tgfix.localize import SuspiciousFile
from tgfix.loss import Loss, TestLoss, read_problem
from tgfix.source import describe_change
from tgfix.variable import Variable, project_root

SECRET_FILES = (".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
                ".netrc", ".pypirc", ".npmrc", ".htpasswd", ".git-credentials", "credentials", "credentials.json")
INSTALLED = {"site-packages", "dist-packages"}  # folders of installed packages (pip install --target)
CHARS_PER_TOKEN = 3  # a cautious estimate for code
UNKNOWN_CONTEXT_WARNING = 8_000  # tokens: more than many small models read


@dataclass(frozen=True)
class Session:
    variables: list[Variable]
    editor: LLM
    critic: LLM
    repo: object | None  # git.Repo; None with --no-commit or --dry-run
    dry_run: bool = False
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def usage(self) -> Usage:
        """Shared by the editor and the critic: the whole run's model calls."""
        return self.editor.usage

    def prepare(self, reporter: Reporter) -> None:
        """Before the first step: the embedded model in memory, if an engine is it, not in the middle of a request."""
        if self.editor.is_local or self.critic.is_local:
            reporter.status("loading the embedded model")
            local.load()

    def save(self, x: Variable, iteration: Iteration, verb: str = "edit") -> str | None:
        """Write the accepted value to FILE, and commit it alone unless --no-commit; the commit's sha.
        With --dry-run nothing is written: the value stays in x for the diff."""
        if self.dry_run:
            return None
        write_atomically(x.path, x.encoded(x.value))
        if self.repo is None:
            return None
        what = describe_change(iteration.step.diff, x.value, verb) or f"{verb} {x.name}"
        body = f"Critique:\n{iteration.gradient}" if iteration.gradient else "The step read the test results."
        return git.commit_file(self.repo, x.path, f"tgfix: {what} ({iteration.step.reason})\n\n{body}\n")


@dataclass(frozen=True)
class Tally:
    """Tests passing of those scored, and the score as tgfix shows it (e.g. "3/4 (1 flaky excluded)")."""

    passed: int
    total: int
    score: str


@dataclass(frozen=True)
class Summary:
    """The facts the end of a run is told in (the summary in words, --json); worded by tgfix/console.py."""

    files: tuple[str, ...]
    exit_code: Exit
    stop_reason: str
    start: Tally  # scored as the end is: without the tests found flaky later on
    end: Tally
    flaky: tuple[str, ...]
    iterations: int  # as the budget counts them
    steps: int       # one a FILE in each iteration
    accepted: int
    commits: bool
    writes: bool
    written: bool
    committed: bool
    diff: str
    model_calls: int
    cut_off_calls: int  # cut off by the time budget
    cached_calls: int
    prompt_tokens: int
    completion_tokens: int
    cost: float
    model_seconds: float
    localized: tuple[SuspiciousFile, ...] = ()  # without FILES: the files the failing tests pointed at


@dataclass(frozen=True)
class Run:
    """What a run did, for the summary and the JSON report."""

    variables: tuple[Variable, ...]
    originals: dict[str, str]
    initial: tuple[Loss, ...]
    iterations: tuple[Iteration, ...]
    final: tuple[Loss, ...]
    stop_reason: str
    usage: Usage
    commits: bool   # each accepted step is committed (not with --no-commit or --dry-run)
    exit_code: Exit
    writes: bool = True  # each accepted step is written to FILE (not with --dry-run)
    model: str = ""
    started: datetime | None = None
    finished: datetime | None = None
    localized: tuple[SuspiciousFile, ...] = ()  # without FILES: the files the failing tests pointed at, chosen first

    @classmethod
    def passing(cls, first: Loss, settings: Settings, model: str, started: datetime) -> "Run":
        """Nothing to repair: no test failed in the run that would have chosen the files (solve without FILES)."""
        return cls((), {}, (first,), (), (first,), "all tests pass", Usage(), settings.commit and not settings.dry_run,
                   Exit.PASSED, not settings.dry_run, model, started, datetime.now(timezone.utc))

    @classmethod
    def of(cls, session: Session, originals: dict[str, str], outcome: Outcome, exit_code: Exit) -> "Run":
        return cls(tuple(session.variables), originals, outcome.initial, outcome.iterations, outcome.final,
                   outcome.stop_reason, session.usage, session.repo is not None, exit_code, not session.dry_run,
                   session.editor.model, session.started, datetime.now(timezone.utc))

    @property
    def written(self) -> bool:
        """Whether a FILE was written: a step was accepted and saved."""
        return self.writes and self.improved

    @property
    def committed(self) -> bool:
        return any(i.commit for i in self.iterations)

    @property
    def iteration_count(self) -> int:
        """Iterations as the budget counts them: one pass over every FILE, a step on each."""
        return len({i.number for i in self.iterations})

    @property
    def improved(self) -> bool:
        return any(i.step.accepted for i in self.iterations)

    def diff(self) -> str:
        return "".join(patch.make_diff(self.originals[x.name], x.value, x.name) for x in self.variables)

    def then(self, later: "Run") -> "Run":
        """This run and `later`, on other files from where this one left them, as one run (solve without
        FILES repairing its next file); its exit code is later's until the caller settles it."""
        offset = max((i.number for i in self.iterations), default=0)
        return replace(later, variables=self.variables + later.variables, originals={**self.originals, **later.originals},
                       initial=self.initial, usage=self.usage.plus(later.usage), started=self.started,
                       iterations=self.iterations + tuple(replace(i, number=i.number + offset) for i in later.iterations))

    def summary(self) -> Summary:
        end = self.final[0].report
        start = self.initial[0].report.excluding(end.flaky)
        usage = self.usage
        return Summary(
            tuple(x.name for x in self.variables), self.exit_code, self.stop_reason,
            Tally(len(start.passed), len(start.scored), start.score), Tally(len(end.passed), len(end.scored), end.score),
            tuple(sorted(end.flaky)), self.iteration_count, len(self.iterations),
            sum(i.step.accepted for i in self.iterations), self.commits, self.writes, self.written, self.committed,
            self.diff(), usage.calls, usage.cut_off, usage.cached_calls, usage.prompt_tokens, usage.completion_tokens,
            usage.cost, round(usage.seconds, 3), tuple(self.localized))


@dataclass
class Trail:
    """What a run has done so far, heard as the loop's reporter (passing everything on): the summary
    and the report of a run that ends in an error."""

    session: Session | None = None
    originals: dict[str, str] = field(default_factory=dict)
    initial: tuple[Loss, ...] = ()
    iterations: list[Iteration] = field(default_factory=list)
    reporter: Reporter | None = None  # who hears it all next (the console)

    def follow(self, session: Session, reporter: Reporter) -> "Trail":
        """Record the run of session, as heard by reporter; the reporter to give the loop."""
        self.session, self.reporter = session, reporter
        self.originals = {x.name: x.value for x in session.variables}
        return self

    def status(self, text: str) -> None:
        self.reporter.status(text)

    def started(self, losses: Sequence[Loss]) -> None:
        self.initial = tuple(losses)
        self.reporter.started(losses)

    def iteration(self, iteration: Iteration) -> None:
        self.iterations.append(iteration)
        self.reporter.iteration(iteration)

    def run(self, exit_code: Exit, message: str) -> Run | None:
        """The run up to the error, once its first test run is done; None before."""
        if self.session is None or not self.initial:
            return None
        accepted = [i.step.after for i in self.iterations if i.step.accepted]
        final = tuple(replace(loss, report=accepted[-1]) for loss in self.initial) if accepted else self.initial
        return Run.of(self.session, self.originals, Outcome(self.initial, tuple(self.iterations), final, message),
                      exit_code)


def run_budget(settings: Settings, max_calls: int | None = None) -> Budget:
    """What a run of these settings may spend, from now: --time-budget, --max-cost, and a call cap
    (the benchmark's: it compares methods at equal calls)."""
    return Budget.from_now(settings.time_budget, max_calls=max_calls, max_cost=settings.max_cost)


@contextmanager
def session(files: list[str], settings: Settings, budget: Budget) -> Iterator[Session]:
    variables = checked_variables(files, settings)
    if not settings.dry_run:
        _check_writable(variables)
    editor, critic = engines(settings, budget)
    if editor.cache:
        editor.cache.check_writable()
    _check_fits(variables, editor, critic)
    repo = git.open_repo(variables[0].root) if settings.commit and not settings.dry_run else None
    if repo:
        for x in variables:
            git.check_committable(repo, x.path, settings.allow_dirty)
        git.check_identity(repo)
    with run_lock(variables[0].root):
        tests = _test_files(settings, variables)
        yield Session(variables, editor, critic, repo, settings.dry_run)
        if _test_files(settings, variables) != tests:
            raise TgfixError("the test files changed during the run: tgfix never writes them, something else did")


def checked_variables(files: list[str], settings: Settings) -> list[Variable]:
    paths = [Path(f) for f in files]
    for path in paths:
        if path.is_dir():
            raise UsageError(f"{path} is a directory: pass the source files in it that the tests run")
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        if path.is_symlink():
            raise UsageError(f"{path} is a symlink: pass the file it points to, {path.resolve()}")
    root = project_root(paths[0].resolve())
    repo = git.open_repo(root)
    for path in paths + ([Path(settings.problem)] if settings.problem else []):
        _check_shareable(path, repo)
    tests = TestLoss(tests=settings.tests)
    for path in paths:
        if tests.is_test(path, root):
            raise UsageError(f"{path} is a test file: tgfix repairs the code under test, never the tests")
        if settings.tests and path.suffix != ".py":
            raise UsageError(f"{path} is not a Python file; use --test-cmd to repair other files")
    problem = read_problem(settings.problem)
    role = settings.role or ("the solution to the problem statement below" if problem else None)
    return [Variable.from_file(path, role=role, root=root) for path in paths]


def engines(settings: Settings, budget: Budget) -> tuple[LLM, LLM]:
    """The editor and the critic (the same engine unless --gradient-model), sharing one usage and the budget."""
    model = settings.model or local.default_model()
    if settings.api_key:  # test output never shows it (the environment's keys are known to the sandbox already)
        sandbox.keep_secret(settings.api_key.get_secret_value())
    cache = DiskCache(local.cache_dir() / "replies", on_warning=console.warning) if settings.cache else None
    common = dict(temperature=settings.temperature, seed=settings.seed, max_tokens=settings.max_tokens,
                  cache=cache, api_base=settings.api_base, usage=Usage(), budget=budget,
                  api_key=settings.api_key.get_secret_value() if settings.api_key else None)
    editor = LLM(model, **common)
    critic = LLM(settings.gradient_model, **common) if settings.gradient_model else editor
    return editor, critic


def project_sources(root: Path, settings: Settings) -> list[Path]:
    """The files tgfix may choose to repair when none is named: the project's Python files under root that
    it would accept as FILE (not tests, not symlinks, no secrets, nothing git ignores), outside virtualenvs
    and installed packages."""
    tests = TestLoss(tests=settings.tests)
    found = [path for path in sandbox.files_under(root)
             if path.suffix == ".py" and not path.is_symlink() and not _looks_secret(path)
             and not INSTALLED.intersection(path.relative_to(root).parts) and not tests.is_test(path, root)]
    repo = git.open_repo(root)
    ignored = git.ignored(repo, found) if repo else set()
    return [path for path in found if path not in ignored]


def _check_shareable(path: Path, repo) -> None:
    """Only what the user would commit goes to the model: no secrets, nothing git ignores."""
    if _looks_secret(path):
        raise UsageError(f"{path} looks like a secret: tgfix does not send it to the model")
    if repo and git.is_ignored(repo, path):
        raise UsageError(f"{path} is ignored by git: tgfix does not send ignored files to the model")


def _looks_secret(path: Path) -> bool:
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in SECRET_FILES)


def _check_writable(variables: list[Variable]) -> None:
    """An accepted fix must not be lost for want of a writable FILE: found now, not after the model call."""
    for x in variables:
        reason = unwritable(x.path)
        if reason:
            raise TgfixError(f"cannot write {x.path}: {reason}; tgfix writes each accepted fix to it "
                             "(make it writable, or use --dry-run)")


def _check_fits(variables: list[Variable], *engines: LLM) -> None:
    """Refuse a file too large for a model of known context; warn once for one of unknown size. A large
    file is read in part (tgfix.excerpt): it is refused only when its largest definition does not fit."""
    for engine in {id(engine): engine for engine in engines}.values():  # the critic may be the editor
        window = context_window(engine.model)
        for x in variables:
            tokens = len(x.value) // CHARS_PER_TOKEN
            if window is None and tokens > UNKNOWN_CONTEXT_WARNING:
                console.warning(f"{x.name} is about {tokens:,} tokens and the context size of {engine.model} is "
                                "unknown: it may read only part of the file")
            least = excerpt.least_chars(x.value) // CHARS_PER_TOKEN
            if window and least > window - engine.max_tokens:
                what = "its largest definition is" if excerpt.is_large(x.value) else "it is"
                raise UsageError(f"{x.name} is too large for {engine.model}: {what} about {least:,} tokens, and "
                                 f"its context holds {window:,} less {engine.max_tokens:,} for the reply")


def _test_files(settings: Settings, variables: list[Variable]) -> dict[Path, str]:
    """sha256 of every test file under the test paths (of node ids, their files; also outside the project),
    which tgfix must never change."""
    tests, root = TestLoss(tests=settings.tests), variables[0].root
    return {path: hashlib.sha256(path.read_bytes()).hexdigest()
            for top in tests.paths for path in sandbox.files_under(top) if tests.is_test(path, root)}
