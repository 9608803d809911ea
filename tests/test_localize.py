from tgfix.localize import ochiai, rank_files, rank_lines
from tgfix.runner import ARGUMENT_MAX, TestCase, _include

SOURCE = "a = 1\nb = 2\nc = 3\n"


def test_ochiai_extremes():
    failing = frozenset({"f1", "f2"})
    assert ochiai({"f1", "f2"}, failing) == 1.0
    assert ochiai({"p1"}, failing) == 0.0
    assert 0 < ochiai({"f1", "p1", "p2"}, failing) < ochiai({"f1", "p1"}, failing)


def test_rank_lines_orders_by_suspiciousness():
    coverage = {1: frozenset({"f", "p"}), 2: frozenset({"f"}), 3: frozenset({"p"})}
    ranked = rank_lines(coverage, frozenset({"f"}), SOURCE)
    assert [line.number for line in ranked] == [2, 1]
    assert ranked[0].text == "b = 2" and ranked[0].score == 1.0


def failed(test_id: str, traceback: str) -> TestCase:
    return TestCase(test_id, "failed", "boom", traceback)


def test_rank_files_by_where_tracebacks_end_and_ochiai():
    """A traceback's last frame in the project's source counts, not one in an installed package or in
    the standard library; a file's Ochiai is its most suspicious line's."""
    installed = "/home/u/.venv/lib/python3.12/site-packages/strict/__init__.py:7: in check\n    raise ValueError\n"
    failures = (failed("tests.test_a.test_one", "tests/test_a.py:3: in test_one\n    run()\n"
                                                "pkg/a.py:5: in run\n    check(x)\n" + installed),
                failed("tests.test_a.test_two", "tests/test_a.py:8: in test_two\n    assert run() == 2\n"))
    both = frozenset({"tests.test_a.test_one", "tests.test_a.test_two"})
    coverage = {"pkg/a.py": {4: both, 5: both,  # alike in Ochiai: line 5, where a traceback passes, is shown
                             6: frozenset({"tests.test_a.test_one", "tests.test_a.test_ok"})},
                "pkg/b.py": {2: frozenset({"tests.test_a.test_two", "tests.test_a.test_ok"})}}
    ranked = rank_files(failures, coverage, frozenset({"pkg/a.py", "pkg/b.py", "pkg/c.py"}))
    assert [(f.name, f.score, f.tracebacks, f.ochiai, f.line) for f in ranked] == [
        ("pkg/a.py", 0.75, 1, 1.0, 5), ("pkg/b.py", 0.25, 0, 0.5, 2)]
    assert ranked[0].evidence == "1 of 2 failing tests' tracebacks end here, Ochiai 1.00 (line 5)"
    assert ranked[1].evidence == "Ochiai 0.50 (line 2)"


def test_rank_files_reads_the_sandbox_path_of_a_syntax_error():
    failure = failed("tests.test_a", 'E     File "/dev/shm/tgfix-x1y2/pkg/a.py", line 4\nE       def f(:\n')
    ranked = rank_files((failure,), {}, frozenset({"pkg/a.py"}))
    assert [(f.name, f.score, f.evidence) for f in ranked] == [("pkg/a.py", 0.5, "1 of 1 failing tests' tracebacks end here")]


def test_coverage_of_more_files_than_one_argument_holds_names_their_folders(tmp_path):
    names = tuple(f"pkg{n % 3}/module_{n:05}.py" for n in range(3000))
    assert len(",".join(str(tmp_path / name) for name in names)) > ARGUMENT_MAX
    assert _include(tmp_path, names) == ",".join(str(tmp_path / f"pkg{n}" / "*.py") for n in range(3))
    assert _include(tmp_path, names[:2]) == ",".join(str(tmp_path / name) for name in names[:2])
