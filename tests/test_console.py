"""The output module: one writer (the spinner never lands inside a line), words over the facts of
Run.summary(), numbers from tgfix/formatting.py; and who may import it."""

import io
import json
import subprocess
import sys
import threading

import pytest

from tgfix import console
from tgfix.errors import Exit
from tgfix.session import Summary, Tally

CLEAR = "\r" + " " * console.STATUS_WIDTH + "\r"


class Terminal(io.StringIO):
    """A terminal that records each write. Clearing the spinner's frame for a line takes a while here:
    long enough for the spinner (4 frames a second) to draw one in between, unless a lock holds it back."""

    def __init__(self):
        super().__init__()
        self.writes = []
        self.framed = threading.Event()

    def isatty(self):
        return True

    def write(self, text):
        self.writes.append(text)
        if text == CLEAR:
            self.framed.clear()
            self.framed.wait(1.0)  # a frame drawn now would sit between the clearing and the line
        elif text.startswith("\r"):
            self.framed.set()
        return super().write(text)


@pytest.mark.slow
def test_a_spinner_frame_never_lands_between_the_clearing_and_the_line():
    terminal = Terminal()
    with console.Console(0, terminal) as reporter:
        reporter.status("proposing 1 change")
        assert terminal.framed.wait(5)
        reporter.say("[1] stats.py  tests 2/4 -> 4/4  accepted")
    line = terminal.writes.index("[1] stats.py  tests 2/4 -> 4/4  accepted\n")
    assert terminal.writes[line - 1] == CLEAR, terminal.writes
    assert terminal.writes[-1] == CLEAR  # nothing of the spinner is left on the screen


@pytest.mark.slow
def test_a_line_from_anywhere_clears_the_spinners_frame_first(capsys):
    terminal = Terminal()
    with console.Console(0, terminal) as reporter:
        reporter.status("running the tests")
        assert terminal.framed.wait(5)
        console.warning("stats.py is about 9,000 tokens")  # as session.py warns, through the module
        cleared = len(terminal.writes)
    assert terminal.writes[cleared - 1] == CLEAR
    assert capsys.readouterr().err == "tgfix: warning: stats.py is about 9,000 tokens\n"


SUMMARY = Summary(files=("a.py", "b.py"), exit_code=Exit.IMPROVED, stop_reason="iteration budget spent",
                  start=Tally(2, 5, "2/5 (1 flaky excluded)"), end=Tally(4, 5, "4/5 (1 flaky excluded)"),
                  flaky=("tests/test_a.py::test_slow",), iterations=2, steps=4, accepted=1, commits=True,
                  writes=True, written=True, committed=True, diff="--- a/a.py\n", model_calls=5, cut_off_calls=1,
                  cached_calls=2, prompt_tokens=12345, completion_tokens=678, cost=0.01234, model_seconds=41.6)


def test_the_summary_is_worded_from_its_facts_alone():
    assert console.summary_text(SUMMARY).splitlines() == [
        "tests 2/5 (1 flaky excluded) -> 4/5 (1 flaky excluded): iteration budget spent.",
        "Flaky, excluded from the score: tests/test_a.py::test_slow (the outcome changed on the same source).",
        "2 iterations (4 steps over 2 files), 1 accepted and committed; 6 model calls (2 cached, 1 cut off by the "
        "time budget), 12,345 prompt + 678 completion tokens, $0.0123, 42 s in the model."]


def test_the_json_summary_holds_the_facts():
    data = json.loads(json.dumps(console.summary_data(SUMMARY)))
    assert data["tests"] == {"start": {"passed": 2, "total": 5}, "end": {"passed": 4, "total": 5}}
    assert (data["exit_code"], data["model_calls"], data["cut_off_calls"], data["files"]) == (1, 5, 1, ["a.py", "b.py"])


def loaded_by(statement: str) -> set[str]:
    """The tgfix modules a fresh interpreter holds after running `statement`."""
    probe = f"import sys; {statement}; print(' '.join(m for m in sys.modules if m.startswith('tgfix')))"
    return set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split())


@pytest.mark.parametrize("module, never", [
    ("tgfix.page", {"tgfix.console"}),  # the page formats numbers as the terminal does, without the terminal
    ("tgfix.curve", {"tgfix.console"}),
    ("tgfix.config", {"tgfix.console"}),  # loading settings prints nothing: its warnings go to the caller
    ("tgfix.console", {"tgfix.loop", "tgfix.session", "tgfix.loss"}),  # it words facts, computes none
])
def test_who_does_not_import_whom(module, never):
    assert loaded_by(f"import {module}") & never == set()
