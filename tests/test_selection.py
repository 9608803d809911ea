"""Test selection as pytest users write it: node ids, -k, tests beside the code or outside the project,
and the project's own pytest options (addopts), with scripted model replies on real projects."""

import subprocess
import sys
from pathlib import Path

import git
import pytest

from conftest import FIXED_STATS, cli, commit_all, fenced
from tgfix.config import load
from tgfix.loss import TestLoss

BUGGY_CALC = "def add(a, b):\n    return a - b\n\n\ndef double(a):\n    return a * 3\n"
FIXED_CALC = "def add(a, b):\n    return a + b\n\n\ndef double(a):\n    return a * 2\n"
CALC_TESTS = """\
from calc import add, double


def test_add():
    assert add(2, 3) == 5


def test_double():
    assert double(4) == 8
"""


def solve(*args):
    return cli("solve", *args, "--model", "openai/scripted", "--no-cache", "--gradient", "never")


def last_commit(root: Path) -> str:
    return git.Repo(root).head.commit.message


def calc_project(root: Path, pyproject: str = "", tests_in: str = "tests") -> Path:
    """calc.py (both functions wrong) at root, its two tests in root/tests_in; a git repository."""
    (root / tests_in).mkdir(parents=True, exist_ok=True)
    (root / "calc.py").write_text(BUGGY_CALC)
    (root / tests_in / "test_calc.py").write_text(CALC_TESTS)
    (root / "pyproject.toml").write_text(pyproject)
    commit_all(root, "initial")
    return root


@pytest.mark.slow
def test_a_node_id_selects_one_test(project, scripted, monkeypatch):
    monkeypatch.chdir(project)
    scripted += [fenced(FIXED_STATS)]
    result = solve("stats.py", "--tests", "tests/test_stats.py::test_largest")
    assert result.exit_code == 0, result.output
    assert "tests 0/1 -> 1/1" in last_commit(project)
    assert "test_largest_negative" not in scripted.requests[0]["messages"][1]["content"]


@pytest.mark.slow
def test_tests_k_selects_by_expression(project, scripted, monkeypatch):
    monkeypatch.chdir(project)
    scripted += [fenced(FIXED_STATS)]
    result = solve("stats.py", "--tests", "tests", "--tests-k", "largest and not negative")
    assert result.exit_code == 0, result.output
    assert "tests 1/2 -> 2/2" in last_commit(project)  # test_largest fails, test_largest_single passes


@pytest.mark.slow
def test_tests_k_that_selects_nothing_is_exit_6(project, scripted, monkeypatch):
    monkeypatch.chdir(project)
    result = solve("stats.py", "--tests", "tests", "--tests-k", "median")
    assert result.exit_code == 6, result.output
    assert "no tests found in tests -k median: " in result.stderr and "4 deselected" in result.stderr
    assert scripted.requests == []


def test_the_hook_takes_node_ids(project, monkeypatch):
    monkeypatch.chdir(project)
    result = cli("hook", "stats.py", "--tests", "tests/test_stats.py::test_mean")
    assert result.exit_code == 0, result.output
    assert "tests 1/1 pass" in result.stderr


def test_node_ids_in_the_environment_and_pyproject(project, monkeypatch):
    monkeypatch.setenv("TGFIX_TESTS", "tests/test_stats.py::test_mean:tests/test_stats.py::test_largest")
    assert load({}, project).tests == ("tests/test_stats.py::test_mean", "tests/test_stats.py::test_largest")
    monkeypatch.delenv("TGFIX_TESTS")
    (project / "pyproject.toml").write_text('[tool.tgfix]\ntests = ["tests/test_stats.py::test_mean"]\n')
    assert load({}, project).tests == (f"{project}/tests/test_stats.py::test_mean",)


def test_a_node_id_whose_file_is_missing_is_a_usage_error(project, monkeypatch):
    monkeypatch.chdir(project)
    result = solve("stats.py", "--tests", "tests/test_nothing.py::test_x")
    assert result.exit_code == 2 and "no such tests path: tests/test_nothing.py" in result.stderr


@pytest.mark.slow
def test_a_flat_project_with_tests_beside_the_code(tmp_path, scripted, monkeypatch):
    root = calc_project(tmp_path / "flat", tests_in=".")
    (root / "conftest.py").write_text("")
    git.Repo(root).git.add(A=True)
    git.Repo(root).git.commit("-m", "conftest")
    monkeypatch.chdir(root)
    scripted += [fenced(FIXED_CALC)]
    result = solve("calc.py", "--tests", ".")
    assert result.exit_code == 0, result.output
    assert (root / "calc.py").read_text() == FIXED_CALC
    assert "tests 0/2 -> 2/2" in last_commit(root)
    for test in ("test_calc.py", "conftest.py"):
        refused = solve(test, "--tests", ".")
        assert refused.exit_code == 2 and f"{test} is a test file" in refused.stderr


def test_what_is_a_test_beside_the_code(tmp_path):
    root = tmp_path / "project"
    loss = TestLoss(tests=[str(root), str(tmp_path / "outside"), str(root / "checks" / "verify.py") + "::test_it"])
    assert not loss.is_test(root / "calc.py", root)
    assert not loss.is_test(root / "pkg" / "helpers.py", root)
    assert loss.is_test(root / "test_calc.py", root) and loss.is_test(root / "calc_test.py", root)
    assert loss.is_test(root / "pkg" / "conftest.py", root)
    assert loss.is_test(root / "tests" / "helpers.py", root) and loss.is_test(root / "test" / "data.py", root)
    assert loss.is_test(root / "checks" / "verify.py", root)  # named in the test paths
    assert loss.is_test(tmp_path / "outside" / "helpers.py", root)


@pytest.mark.parametrize("config", ['[tool.pytest.ini_options]\npython_files = "check_*.py"\n',
                                    '[tool.pytest]\npython_files = ["check_*.py"]\n'])
def test_the_projects_python_files_say_what_is_a_test(tmp_path, config):
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text(config)
    loss = TestLoss(tests=[str(root)])
    assert loss.is_test(root / "check_calc.py", root) and not loss.is_test(root / "calc.py", root)


@pytest.mark.slow
def test_a_tests_folder_outside_the_project(tmp_path, scripted, monkeypatch):
    """The tests' own way to the project (a conftest putting ../project on sys.path) reaches the copy."""
    root = calc_project(tmp_path / "project")
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_calc.py").write_text(CALC_TESTS)
    (tests / "conftest.py").write_text("import pathlib, sys\n\n"
                                       "sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / 'project'))\n")
    before = {path.name: path.read_bytes() for path in tests.iterdir()}
    monkeypatch.chdir(root)
    scripted += [fenced(FIXED_CALC)]
    result = solve("calc.py", "--tests", "../tests")
    assert result.exit_code == 0, result.output
    assert (root / "calc.py").read_text() == FIXED_CALC
    assert "tests 0/2 -> 2/2" in last_commit(root)
    assert {path.name: path.read_bytes() for path in tests.iterdir()} == before


def test_a_tests_path_around_the_whole_project_is_a_usage_error(tmp_path, scripted, monkeypatch):
    root = calc_project(tmp_path / "project")
    monkeypatch.chdir(root)
    result = solve("calc.py", "--tests", "..")
    assert result.exit_code == 2 and f"the tests path {tmp_path} holds the whole project {root}" in result.stderr
    assert scripted.requests == []


@pytest.mark.slow
def test_a_syntax_error_in_file_is_repaired_with_tests_outside_the_project(tmp_path, scripted, monkeypatch):
    """The copy's paths hold the project's folder name (tgfix-*/project/calc.py): still FILE's fault, not the tests'."""
    root = calc_project(tmp_path / "project")
    (root / "calc.py").write_text(BUGGY_CALC.replace("def add(a, b):", "def add(a, b)"))
    git.Repo(root).git.commit("-am", "broken")
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_calc.py").write_text("import sys\nsys.path.insert(0, '.')\n" + CALC_TESTS)
    monkeypatch.chdir(root)
    scripted += [fenced(FIXED_CALC)]
    result = solve("calc.py", "--tests", "../tests")
    assert result.exit_code == 0, result.output
    assert (root / "calc.py").read_text() == FIXED_CALC


@pytest.mark.slow
def test_a_changed_test_outside_the_project_is_noticed(tmp_path, scripted, monkeypatch):
    root = calc_project(tmp_path / "project")
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_calc.py").write_text("import sys\nsys.path.insert(0, '.')\n" + CALC_TESTS)

    def edit_the_test(request):
        (tests / "test_calc.py").write_text("def test_add():\n    pass\n")
        return fenced(FIXED_CALC)

    monkeypatch.chdir(root)
    scripted += [edit_the_test]
    result = solve("calc.py", "--tests", "../tests/test_calc.py::test_add")
    assert result.exit_code == 4 and "the test files changed during the run" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("option", ["-x", "--exitfirst", "--maxfail=1", "--sw", "--co", "--pdb", "--lf"])
def test_addopts_never_hide_an_outcome(tmp_path, scripted, monkeypatch, option):
    """--lf: the cache is on (the option must parse) and in the copy, not the cache_dir the project names."""
    user_cache = tmp_path / "cache"
    (user_cache / "v" / "cache").mkdir(parents=True)
    (user_cache / "v" / "cache" / "lastfailed").write_text('{"tests/test_calc.py::test_add": true}')
    root = calc_project(tmp_path / "project", f'[tool.pytest.ini_options]\naddopts = "{option}"\n'
                                              f'cache_dir = "{user_cache}"\n')
    monkeypatch.chdir(root)
    scripted += [fenced(FIXED_CALC)]
    result = solve("calc.py", "--tests", "tests")
    assert result.exit_code == 0, result.output
    assert "tests 0/2 -> 2/2" in last_commit(root)


@pytest.mark.slow
def test_the_options_that_make_the_suite_run_are_kept(tmp_path, scripted, monkeypatch):
    """-p of the project's plugin, --import-mode and pythonpath (a src layout) still apply; -x does not."""
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "src" / "calc.py").write_text(BUGGY_CALC)
    (root / "myplugin.py").write_text("import pytest\n\n\n@pytest.fixture\ndef four():\n    return 4\n")
    (root / "tests" / "test_calc.py").write_text(
        CALC_TESTS.replace("def test_double():\n    assert double(4)", "def test_double(four):\n    assert double(four)"))
    (root / "pyproject.toml").write_text('[tool.pytest.ini_options]\naddopts = "-x -p myplugin --import-mode=importlib"\n'
                                         'pythonpath = ["src", "."]\n')
    commit_all(root, "initial")
    monkeypatch.chdir(root)
    scripted += [fenced(FIXED_CALC)]
    result = solve("src/calc.py", "--tests", "tests")
    assert result.exit_code == 0, result.output
    assert "tests 0/2 -> 2/2" in last_commit(root)


@pytest.fixture(scope="module")
def xdist_venv(tmp_path_factory):
    """A virtualenv with pytest and pytest-xdist (from the package index pip is configured with)."""
    venv = tmp_path_factory.mktemp("xdist") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "pytest", "pytest-xdist"], check=True)
    return venv


@pytest.mark.slow
def test_xdist_in_addopts_runs_in_one_process_with_localization(tmp_path, scripted, monkeypatch, xdist_venv):
    """Tests in xdist's workers escape coverage: the model would get no suspicious lines."""
    root = calc_project(tmp_path / "project", '[tool.pytest.ini_options]\naddopts = "-n 2 -x"\n')
    monkeypatch.chdir(root)
    scripted += [fenced(FIXED_CALC)]
    result = solve("calc.py", "--tests", "tests", "--python", str(xdist_venv))
    assert result.exit_code == 0, result.output
    assert "tests 0/2 -> 2/2" in last_commit(root)
    assert "): return a - b" in scripted.requests[0]["messages"][1]["content"]  # a suspicious line
