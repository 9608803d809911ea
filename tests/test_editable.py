"""A project installed in the interpreter that runs its tests: the sandbox's copy of FILE is what they import.

The virtualenv is real (`python -m venv`, pip) and shared by the module: each project is its own
src-layout package with its own name, installed the way its backend does it. The pip installs use
`--no-build-isolation` (the backends are in the venv), so they need the package index only once.
The end-to-end test builds the project's own .venv with a plain `pip install -e .`.
"""

import subprocess
import sys
from pathlib import Path

import git
import pytest

from conftest import BUGGY_STATS, FIXED_STATS, STATS_TESTS, cli, commit_all, fenced
from tgfix.runner import Module, module_of

SETUPTOOLS = '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
# A package-dir that maps the package by name: setuptools' default mode then installs an import hook
# (a MetaPathFinder) instead of a .pth path.
MAPPED = '[tool.setuptools]\npackages = ["{pkg}"]\npackage-dir = {{"{pkg}" = "src/{pkg}"}}\n'
FLIT = '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n'
PROJECT = '[project]\nname = "{pkg}"\nversion = "0.1"\ndescription = "stats"\n'
TGFIX = '[tool.tgfix]\ntests = "tests"\ncache = false\nmax-iters = 1\nsecond-opinion = false\n'
BUILDS = {  # package name: how it builds (pyproject.toml before [project]), its folder
    "st_pth": (SETUPTOOLS, "src"), "st_compat": (SETUPTOOLS, "src"), "st_finder": (SETUPTOOLS + MAPPED, "src"),
    "st_flat": (SETUPTOOLS, "."),  # a flat layout: setuptools' default mode installs an import hook there too
    "flit_pth": (FLIT, "src"), "st_copy": (SETUPTOOLS, "src")}
INSTALLS = (  # pip's arguments, one pip call each (the config setting would apply to every project of a call)
    ("-e", "./st_pth", "-e", "./st_finder", "-e", "./st_flat", "-e", "./flit_pth",
     "./st_copy"),  # st_copy: a plain `pip install .`, a copy in site-packages
    ("--config-settings", "editable_mode=compat", "-e", "./st_compat"),
)


def make_venv(where: Path, *packages: str) -> Path:
    """A real virtualenv with pip and `packages`; its python."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = where / "bin" / "python"
    pip(python, where, "install", "--quiet", *packages)
    return python


def pip(python: Path, cwd: Path, *args: str) -> None:
    result = subprocess.run([str(python), "-m", "pip", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def package_project(root: Path, pkg: str, build: str = "", folder: str = "src") -> str:
    """FOLDER/PKG/stats.py with the conftest's bug (2 of 4 tests fail), its tests, committed; FILE."""
    (root / folder / pkg).mkdir(parents=True)
    (root / folder / pkg / "__init__.py").write_text('"""Statistics."""\n')
    (root / folder / pkg / "stats.py").write_text(BUGGY_STATS)
    (root / "tests").mkdir()
    (root / "tests" / "test_stats.py").write_text(STATS_TESTS.replace("from stats ", f"from {pkg}.stats "))
    (root / "pyproject.toml").write_text(build.format(pkg=pkg) + PROJECT.format(pkg=pkg) + TGFIX)
    (root / ".gitignore").write_text(".venv/\nbuild/\n*.egg-info/\n")
    commit_all(root, "buggy stats")
    return (Path(folder) / pkg / "stats.py").as_posix()


def imported_from(python: Path, module: str, cwd: Path) -> Path:
    """Where `module` comes from for python, as the user's tests would import it."""
    found = subprocess.run([str(python), "-c", f"import {module}; print({module}.__file__)"], cwd=cwd,
                           capture_output=True, text=True, check=True)
    return Path(found.stdout.strip())


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """One virtualenv, every project of BUILDS installed into it as INSTALLS says; its python."""
    base = tmp_path_factory.mktemp("editable")
    python = make_venv(base / "venv", "pytest", "setuptools>=70.1", "flit_core>=3.4")  # bdist_wheel in setuptools
    for pkg, (build, folder) in BUILDS.items():
        package_project(base / pkg, pkg, build, folder)
    for arguments in INSTALLS:
        pip(python, base, "install", "--quiet", "--no-index", "--no-build-isolation", *arguments)
    return python


@pytest.fixture
def active(venv, monkeypatch):
    """The venv is the active virtualenv (tgfix runs the tests with it); the projects beside it."""
    monkeypatch.setenv("VIRTUAL_ENV", str(venv.parent.parent))
    return venv.parent.parent.parent


def site_packages(python: Path) -> Path:
    (site,) = python.parent.parent.glob("lib/python*/site-packages")
    return site


@pytest.mark.slow
@pytest.mark.parametrize("pkg", ["st_pth", "st_compat", "st_finder", "st_flat", "flit_pth"])
def test_an_editable_install_is_repaired_in_the_sandbox_copy(pkg, active, venv, scripted, monkeypatch):
    root, file = active / pkg, f"{BUILDS[pkg][1]}/{pkg}/stats.py"
    assert imported_from(venv, f"{pkg}.stats", cwd=active) == (root / file).resolve()  # the user's tree
    finders = list(site_packages(venv).glob(f"__editable__*{pkg}*finder.py"))
    assert bool(finders) == (pkg in ("st_finder", "st_flat")), finders  # the import hook, or a .pth path
    monkeypatch.chdir(root)
    scripted.append(fenced(FIXED_STATS))
    result = cli("solve", file, "--model", "openai/scripted")
    assert result.exit_code == 0, result.output
    assert "tests 2/4 -> 4/4" in result.output
    assert (root / file).read_text() == FIXED_STATS
    assert git.Repo(root).head.commit.message.startswith("tgfix: ")


def test_a_non_editable_install_is_exit_6_before_any_model_call(active, venv, scripted, monkeypatch):
    installed = site_packages(venv) / "st_copy" / "stats.py"
    assert imported_from(venv, "st_copy.stats", cwd=active) == installed
    monkeypatch.chdir(active / "st_copy")
    result = cli("solve", "src/st_copy/stats.py", "--model", "openai/scripted")
    assert result.exit_code == 6, result.output
    assert f"the tests import the installed copy at {installed}, not src/st_copy/stats.py" in result.output
    assert "pip install -e ." in result.output and len(result.output.strip().splitlines()) == 1
    assert scripted.requests == []


QUICKSTART = Path(__file__).resolve().parent.parent / "examples" / "quickstart"


@pytest.mark.model
def test_embedded_model_repairs_a_src_layout_package_installed_editable_in_its_venv(tmp_path, monkeypatch):
    """The issue's case end to end: the quickstart's one-character bug in src/wordstats/textstats.py,
    `pip install -e .` into the project's .venv, which tgfix picks to run the tests."""
    (tmp_path / "src" / "wordstats").mkdir(parents=True)
    (tmp_path / "src" / "wordstats" / "__init__.py").write_text('"""Word statistics."""\n')
    (tmp_path / "src" / "wordstats" / "textstats.py").write_text((QUICKSTART / "textstats.py").read_text())
    (tmp_path / "tests").mkdir()
    tests = (QUICKSTART / "tests" / "test_textstats.py").read_text()
    (tmp_path / "tests" / "test_textstats.py").write_text(tests.replace("from textstats ", "from wordstats.textstats "))
    (tmp_path / "pyproject.toml").write_text(SETUPTOOLS + PROJECT.format(pkg="wordstats") + '[tool.tgfix]\ntests = "tests"\n')
    (tmp_path / ".gitignore").write_text(".venv/\nbuild/\n*.egg-info/\n")
    commit_all(tmp_path, "buggy wordstats")
    python = make_venv(tmp_path / ".venv", "pytest")
    pip(python, tmp_path, "install", "--quiet", "-e", ".")
    file = tmp_path / "src" / "wordstats" / "textstats.py"
    assert imported_from(python, "wordstats.textstats", cwd=tmp_path) == file
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("TGFIX_PYTHON", raising=False)
    monkeypatch.chdir(tmp_path)

    # The first answer is the fix (as in the quickstart): the budget only keeps a loaded machine from ending it first.
    result = cli("solve", "src/wordstats/textstats.py", "--no-cache", "--time-budget", "1200")

    assert result.exit_code == 0, result.output
    assert "tests 3/4 -> 4/4" in result.output and "if len(word) > len(best):" in file.read_text()
    assert git.Repo(tmp_path).head.commit.message.startswith("tgfix: ")
    user = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert user.returncode == 0, user.stdout  # the user's own run, through the editable install, passes too


@pytest.mark.slow
def test_a_project_on_pythonpath_by_its_absolute_path_is_repaired_in_the_sandbox_copy(tmp_path, scripted,
                                                                                      monkeypatch):
    """`export PYTHONPATH=$PWD/src`, the src layout's way without an install, points at the user's tree too."""
    file = package_project(tmp_path, "stats_on_path")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "src"))
    monkeypatch.chdir(tmp_path)
    scripted.append(fenced(FIXED_STATS))
    result = cli("solve", file, "--model", "openai/scripted")
    assert result.exit_code == 0, result.output
    assert (tmp_path / file).read_text() == FIXED_STATS


@pytest.mark.slow
@pytest.mark.parametrize("command", [("solve", "--model", "openai/scripted"), ("polish",), ("hook",)])
def test_every_command_stops_before_any_model_call_when_the_tests_import_the_users_tree(command, tmp_path,
                                                                                       scripted, monkeypatch):
    """No path into the user's tree outruns a conftest.py that puts it first: the guard stops every command."""
    file = package_project(tmp_path, "stats_pinned")
    (tmp_path / "tests" / "conftest.py").write_text(f"import sys\nsys.path.insert(0, {str(tmp_path / 'src')!r})\n")
    commit_all(tmp_path, "a conftest with an absolute path")
    monkeypatch.chdir(tmp_path)
    result = cli(*command, file)
    assert result.exit_code == 6, result.output
    assert (f"the tests import {file} from your project at {tmp_path / file}, not from the copy tgfix tests "
            "candidates in") in result.output
    assert scripted.requests == []


@pytest.mark.slow
def test_a_file_named_like_a_standard_module_in_a_namespace_package_is_not_taken_for_it(tmp_path, scripted,
                                                                                    monkeypatch):
    """src/app/types.py without an __init__.py is imported as app.types: sys.modules["types"] is not it."""
    (tmp_path / "src" / "app").mkdir(parents=True)
    (tmp_path / "src" / "app" / "types.py").write_text(BUGGY_STATS)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_types.py").write_text(STATS_TESTS.replace("from stats ", "from app.types "))
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\npythonpath = ["src"]\n' + TGFIX)
    commit_all(tmp_path, "a namespace package")
    monkeypatch.chdir(tmp_path)
    scripted.append(fenced(FIXED_STATS))
    result = cli("solve", "src/app/types.py", "--model", "openai/scripted")
    assert result.exit_code == 0, result.output


def test_the_module_a_file_is(tmp_path):
    for package in ("src/pkg", "src/pkg/sub"):
        (tmp_path / package).mkdir(parents=True)
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "scripts").mkdir()
    assert module_of(tmp_path, "src/pkg/sub/mod.py") == Module("src/pkg/sub/mod.py", "pkg.sub.mod", "src")
    assert module_of(tmp_path, "src/pkg/__init__.py") == Module("src/pkg/__init__.py", "pkg", "src")
    assert module_of(tmp_path, "scripts/tool.py") == Module("scripts/tool.py", "tool", "scripts")
    assert module_of(tmp_path, "stats.py") == Module("stats.py", "stats", ".")
    assert module_of(tmp_path, "config.json") is None
