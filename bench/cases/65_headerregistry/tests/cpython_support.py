"""The few helpers of CPython's `test.support` that this test module uses.

Written for the tgfix corpus (not copied from CPython) so that the tests run outside
CPython's source tree; the tests import it as `support`, `os_helper`, `import_helper`...
"""
import collections.abc
import contextlib
import functools
import gc
import importlib
import io
import os
import shutil
import sys
import tempfile
import types
import unittest
import warnings

TESTFN = f"@test_{os.getpid()}_tmp"
TESTFN_ASCII = TESTFN
verbose = False
_ANY = object()
is_emscripten = is_wasi = False


def findfile(name, subdir=None):
    """A data file shipped next to the tests."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), subdir or "", name)


def cpython_only(test):
    return test


def requires_IEEE_754(test):
    return test


def requires_docstrings(test):
    return unittest.skipIf(sys.flags.optimize >= 2, "docstrings stripped")(test)


def check_impl_detail(**guards):
    return guards.get("cpython", True) if guards else True


def impl_detail(msg=None, **guards):
    return unittest.skipUnless(check_impl_detail(**guards), msg or "implementation detail")


def requires_resource(resource):
    return unittest.skip(f"resource {resource!r} is not enabled")


def gc_collect():
    for _ in range(3):
        gc.collect()


@contextlib.contextmanager
def swap_attr(obj, attr, new_val):
    missing = not hasattr(obj, attr)
    old = getattr(obj, attr, None)
    setattr(obj, attr, new_val)
    try:
        yield old
    finally:
        if missing:
            delattr(obj, attr)
        else:
            setattr(obj, attr, old)


@contextlib.contextmanager
def swap_item(mapping, key, new_val):
    missing = key not in mapping
    old = mapping.get(key)
    mapping[key] = new_val
    try:
        yield old
    finally:
        if missing:
            del mapping[key]
        else:
            mapping[key] = old


@contextlib.contextmanager
def captured_output(stream_name):
    saved = getattr(sys, stream_name)
    setattr(sys, stream_name, io.StringIO())
    try:
        yield getattr(sys, stream_name)
    finally:
        setattr(sys, stream_name, saved)


def captured_stdout():
    return captured_output("stdout")


def captured_stderr():
    return captured_output("stderr")


def check__all__(test_case, module, name_of_module=None, extra=(), not_exported=()):
    """__all__ lists every public name that module defines: its own classes and functions,
    and its constants (values without a __module__), and nothing else."""
    if name_of_module is None:
        owners = {module.__name__}
    else:
        owners = {name_of_module} if isinstance(name_of_module, str) else set(name_of_module)
    expected = set(extra)
    for name, value in vars(module).items():
        if name.startswith("_") or name in not_exported or isinstance(value, types.ModuleType):
            continue
        owner = getattr(value, "__module__", None)
        if owner in owners or not hasattr(value, "__module__"):
            expected.add(name)
    test_case.assertCountEqual(module.__all__, expected)


def unlink(filename):
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        os.unlink(filename)


def rmtree(path):
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(path)


@contextlib.contextmanager
def temp_dir(path=None, quiet=False):
    if path is None:
        with tempfile.TemporaryDirectory() as made:
            yield os.path.realpath(made)
        return
    os.mkdir(path)
    try:
        yield os.path.realpath(path)
    finally:
        rmtree(path)


@contextlib.contextmanager
def change_cwd(path, quiet=False):
    saved = os.getcwd()
    os.chdir(path)
    try:
        yield os.getcwd()
    finally:
        os.chdir(saved)


@contextlib.contextmanager
def temp_cwd(name="tempcwd", quiet=False):
    with temp_dir(None) as parent, change_cwd(parent) as cwd:
        yield cwd


class EnvironmentVarGuard(collections.abc.MutableMapping):
    """os.environ, whose changes are undone at the end of the with block."""

    def __init__(self):
        self._saved = {}

    def _remember(self, name):
        self._saved.setdefault(name, os.environ.get(name))

    def __getitem__(self, name):
        return os.environ[name]

    def __setitem__(self, name, value):
        self._remember(name)
        os.environ[name] = value

    def __delitem__(self, name):
        self._remember(name)
        os.environ.pop(name, None)

    def __iter__(self):
        return iter(os.environ)

    def __len__(self):
        return len(os.environ)

    def set(self, name, value):
        self[name] = value

    def unset(self, name):
        del self[name]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def skip_if_pgo_task(test):
    return test


def create_empty_file(filename):
    open(filename, "wb").close()


def requires_fork():
    return unittest.skipUnless(hasattr(os, "fork"), "requires os.fork()")


def wait_process(pid, *, exitcode, timeout=None):
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == exitcode, f"process {pid} exited with {status}"


def import_module(name):
    return importlib.import_module(name)


def check_disallow_instantiation(test_case, tp, *args, **kwds):
    """The type cannot be called to make an instance."""
    with test_case.assertRaises(TypeError):
        tp(*args, **kwds)


def ignore_warnings(*, category):
    def decorator(test):
        @functools.wraps(test)
        def wrapper(*args, **kwargs):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=category)
                return test(*args, **kwargs)
        return wrapper
    return decorator


def requires_debug_ranges(reason="requires column positions in code objects"):
    stripped = bool(os.environ.get("PYTHONNODEBUGRANGES")) or "no_debug_ranges" in sys._xoptions
    return unittest.skipIf(stripped, reason)


class BytecodeTestCase(unittest.TestCase):
    """Assertions on the instructions of a code object (checked with the stdlib's dis)."""

    def _instructions(self, x):
        import dis
        return list(dis.get_instructions(x))

    def _listing(self, x):
        import dis
        out = io.StringIO()
        dis.dis(x, file=out)
        return out.getvalue()

    def assertInBytecode(self, x, opname, argval=_ANY):
        for instr in self._instructions(x):
            if instr.opname == opname and (argval is _ANY or instr.argval == argval):
                return instr
        self.fail(f"{opname} {'' if argval is _ANY else repr(argval)} not found in:\n{self._listing(x)}")

    def assertNotInBytecode(self, x, opname, argval=_ANY):
        for instr in self._instructions(x):
            if instr.opname == opname and (argval is _ANY or instr.argval == argval):
                self.fail(f"{opname} {'' if argval is _ANY else repr(argval)} found in:\n{self._listing(x)}")


class FakePath:
    """A minimal os.PathLike whose __fspath__ returns (or raises) what it was given."""

    def __init__(self, path):
        self.path = path

    def __repr__(self):
        return f"<FakePath {self.path!r}>"

    def __fspath__(self):
        if isinstance(self.path, BaseException) or (
                isinstance(self.path, type) and issubclass(self.path, BaseException)):
            raise self.path
        return self.path


def can_symlink():
    with tempfile.TemporaryDirectory() as folder:
        try:
            os.symlink("target", os.path.join(folder, "link"))
        except (OSError, NotImplementedError, AttributeError):
            return False
        return True


def skip_unless_symlink(test):
    return unittest.skipUnless(can_symlink(), "requires symlinks")(test)


def can_chmod():
    if not hasattr(os, "chmod"):
        return False
    with tempfile.NamedTemporaryFile() as probe:
        os.chmod(probe.name, 0o444)
        read_only = os.stat(probe.name).st_mode & 0o777 == 0o444
        os.chmod(probe.name, 0o644)
        return read_only


def skip_unless_working_chmod(test):
    return unittest.skipUnless(can_chmod(), "requires a working os.chmod()")(test)


def _longpath(path):
    return path


def fs_is_case_insensitive(directory):
    with tempfile.NamedTemporaryFile(dir=directory) as probe:
        other = os.path.join(os.path.dirname(probe.name), os.path.basename(probe.name).swapcase())
        return os.path.exists(other) and os.path.samefile(probe.name, other)


class Error(Exception):
    """Raised by the tests' own helpers."""


class _AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


ALWAYS_EQ = _AlwaysEqual()


def has_no_debug_ranges():
    return bool(os.environ.get("PYTHONNODEBUGRANGES")) or "no_debug_ranges" in sys._xoptions


def requires_subprocess():
    return unittest.skipIf(is_emscripten or is_wasi, "requires subprocess support")


@contextlib.contextmanager
def infinite_recursion(max_depth=75):
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(max_depth)
    try:
        yield
    finally:
        sys.setrecursionlimit(saved)


def _run_python(*args, **env_vars):
    import subprocess
    env = dict(os.environ, **env_vars)
    proc = subprocess.run([sys.executable, "-X", "faulthandler", *args],
                          capture_output=True, env=env, timeout=60)
    return proc.returncode, proc.stdout.replace(b"\r\n", b"\n"), proc.stderr.replace(b"\r\n", b"\n")


def assert_python_ok(*args, **env_vars):
    rc, out, err = _run_python(*args, **env_vars)
    assert rc == 0, f"python {args} exited {rc}: {err.decode(errors='replace')}"
    return rc, out, err


def assert_python_failure(*args, **env_vars):
    rc, out, err = _run_python(*args, **env_vars)
    assert rc != 0, f"python {args} succeeded: {out.decode(errors='replace')}"
    return rc, out, err


@contextlib.contextmanager
def check_warnings(*filters, quiet=True):
    """Record the warnings of the block; unless quiet, each (message regex, category) must occur."""
    import re
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    for pattern, category in filters:
        seen = any(re.match(pattern, str(w.message), re.I) and issubclass(w.category, category) for w in caught)
        if not seen and not quiet:
            raise AssertionError(f"no warning {pattern!r} of {category.__name__} was raised")


def rmdir(path):
    with contextlib.suppress(FileNotFoundError):
        os.rmdir(path)


def _module_available(name):
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def requires_zlib(reason="requires zlib"):
    return unittest.skipUnless(_module_available("zlib"), reason)


def requires_bz2(reason="requires bz2"):
    return unittest.skipUnless(_module_available("bz2"), reason)


def requires_lzma(reason="requires lzma"):
    return unittest.skipUnless(_module_available("lzma"), reason)


def can_dac_override():
    """Whether this process can write a file that its mode makes read-only (root can)."""
    with tempfile.TemporaryDirectory() as folder:
        probe = os.path.join(folder, "probe")
        open(probe, "w").close()
        os.chmod(probe, 0o400)
        try:
            open(probe, "w").close()
        except OSError:
            return False
        return True


def skip_if_dac_override(test):
    return unittest.skipIf(can_dac_override(), "incompatible with CAP_DAC_OVERRIDE")(test)


def skip_unless_dac_override(test):
    return unittest.skipUnless(can_dac_override(), "requires CAP_DAC_OVERRIDE")(test)


def can_xattr():
    if not hasattr(os, "setxattr"):
        return False
    with tempfile.NamedTemporaryFile(dir=os.getcwd()) as probe:
        try:
            os.setxattr(probe.name, b"user.test", b"")
        except OSError:
            return False
        return True


def skip_unless_xattr(test):
    return unittest.skipUnless(can_xattr(), "no non-broken extended attribute support")(test)


@contextlib.contextmanager
def check_no_warnings(test_case, message="", category=Warning, force_gc=False):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        if force_gc:
            gc_collect()
    test_case.assertEqual([str(w.message) for w in caught if issubclass(w.category, category)], [])


class TestEmailBase(unittest.TestCase):
    """The assertions CPython's email tests share."""

    maxDiff = None

    def assertDefectsEqual(self, actual, expected):
        self.assertEqual(len(actual), len(expected), actual)
        for i, (defect, kind) in enumerate(zip(actual, expected)):
            self.assertIsInstance(defect, kind, f"item {i}")


def parameterize(cls):
    """Expand `<prefix>_params` (a dict, or a list of values or tuples) over each method
    `<prefix>_as_<suffix>` into methods `test_<suffix>_<parameter name>`."""
    tables = {}
    for name, value in list(vars(cls).items()):
        if name.endswith("_params"):
            tables[name[:-len("_params")] + "_as_"] = _named_parameters(value)
    for name in list(vars(cls)):
        for prefix, table in tables.items():
            if name.startswith(prefix):
                for label, params in table.items():
                    test_name = f"test_{name[len(prefix):]}_{label}"
                    setattr(cls, test_name, _calling(name, params, test_name))
    return cls


def _named_parameters(value):
    if hasattr(value, "keys"):
        return dict(value)
    table = {}
    for item in value:
        item = item if hasattr(item, "__iter__") else (item,)
        table["_".join(str(v) for v in item).replace(" ", "_")] = item
    return table


def _calling(method, params, test_name):
    if hasattr(params, "keys"):
        def test(self):
            return getattr(self, method)(**params)
    else:
        def test(self):
            return getattr(self, method)(*params)
    test.__name__ = test_name
    return test

