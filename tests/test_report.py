"""The JSON report and the report page: every iteration and candidate, rendered in a real browser."""

import hashlib
import json
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from PIL import Image

from conftest import BUGGY_STATS, FAST, FIXED_STATS, cli, fenced, skip_unless_required
from test_polish import CRITIQUE as SPEED_CRITIQUE, polish
from tgfix.curve import LANE, TOP, curve
from tgfix.report import SCHEMA

CRITIQUE = "The code fails test_largest because line 8 keeps the smaller value; it must keep the larger one."
REGRESSION = FIXED_STATS.replace("sum(xs) / len(xs)", "sum(xs) / len(xs) + 1")  # fixes largest, breaks mean
NO_GAIN = BUGGY_STATS + "\n\ndef smallest(xs):\n    return min(xs)\n"
# Two candidates per step, each iteration a critique first: every kind of candidate once.
REPLIES = [CRITIQUE, "no code here", fenced(REGRESSION), CRITIQUE, fenced(NO_GAIN), fenced(FIXED_STATS)]
KINDS = {"unusable", "regression", "no-gain", "accepted"}
# The page's distinctive colours: the best-so-far line, an added diff line, the candidates' points.
BEST, ADDED = (0x6F, 0x42, 0xC1), (0xCC, 0xFF, 0xD8)
POINTS = {"accepted": (0x1A, 0x7F, 0x37), "regression": (0xCF, 0x22, 0x2E), "no gain": (0xD4, 0xA7, 0x2C),
          "unusable": (0x8C, 0x95, 0x9F)}


@pytest.fixture
def solved(project, scripted, monkeypatch):
    """Run a scripted solve with the report at `name`; the report's path."""
    monkeypatch.chdir(project)

    def run(name: str, *options: str):
        scripted.extend(REPLIES)
        result = cli("solve", "stats.py", "--candidates", "2", "--max-iters", "2", "--model", "openai/scripted",
                     "--no-second-opinion", "--report", name, *options)  # a step's candidates answer one prompt
        assert result.exit_code == 0, result.output
        return project / name
    return run


@pytest.mark.slow
def test_report_prompts_holds_every_prompt_sent(solved, scripted):
    report = json.loads(solved("run.json", "--report-prompts").read_text())
    sent = {hashlib.sha256(json.dumps(r["messages"], sort_keys=True).encode()).hexdigest(): r["messages"]
            for r in scripted.requests}
    assert report["prompts"] == sent and len(sent) == 4  # two critiques, two steps of two candidates
    assert all(c["reply"]["prompt_sha256"] in report["prompts"] for it in report["iterations"] for c in it["candidates"])


@pytest.mark.slow
def test_without_report_prompts_only_their_hashes(solved):
    assert "prompts" not in json.loads(solved("run.json").read_text())


@pytest.mark.slow
def test_report_holds_every_iteration_and_candidate(solved, scripted):
    report = json.loads(solved("run.json").read_text())
    assert report["schema"] == SCHEMA and report["command"] == "solve" and report["model"] == "openai/scripted"
    assert report["tgfix"] and report["started"].endswith("+00:00") and report["started"] <= report["finished"]
    iterations = report["iterations"]
    assert [it["number"] for it in iterations] == [1, 2]
    critiques = sum(it["gradient"] is not None for it in iterations)
    candidates = [c for it in iterations for c in it["candidates"]]
    assert critiques == 2 and len(candidates) == len(scripted.requests) - critiques == 4
    assert {c["reply"]["text"] for c in candidates} == set(REPLIES) - {CRITIQUE}
    sent = [hashlib.sha256(json.dumps(r["messages"], sort_keys=True).encode()).hexdigest() for r in scripted.requests]
    assert [c["reply"]["prompt_sha256"] for c in candidates] == [sent[1], sent[2], sent[4], sent[5]]
    assert sent[1] == sent[2] != sent[4]  # a step's candidates answer one prompt
    start, end = report["initial"]["stats.py"]["tests"], report["final"]["stats.py"]["tests"]
    assert (start["passed"], start["total"], start["score"]) == (2, 4, "2/4")
    assert (end["passed"], end["total"], end["score"]) == (4, 4, "4/4")
    assert all(c["tests"]["passed"] <= c["tests"]["total"] == 4 for c in candidates if c["tests"])
    assert {point.kind for point in curve(report).points} == KINDS | {"start"}
    assert report["time"]["total"] > 0 and report["time"]["tests"] > 0


@pytest.mark.slow
def test_report_command_writes_the_page_next_to_the_json(solved):
    source = solved("run.json")
    result = cli("report", str(source))
    assert result.exit_code == 0, result.output
    page = source.with_suffix(".html").read_text()
    assert "<svg" in page and "+        if x &gt; best:" in page and "all tests pass" in page


@pytest.mark.slow
def test_page_of_a_run_with_nothing_to_do(project, scripted, monkeypatch):
    monkeypatch.chdir(project)
    (project / "stats.py").write_text(FIXED_STATS)
    result = cli("solve", "stats.py", "--allow-dirty", "--model", "openai/scripted", "--report", "run.html")
    assert result.exit_code == 0, result.output
    page = (project / "run.html").read_text()
    assert "tests 4/4 → tests 4/4: all tests pass" in page and "No change" in page and not scripted.requests


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"iterations": []}', '{"schema": 99}',
                                     '{"schema": 1}'], ids=["empty", "broken", "list", "no-schema", "newer",
                                                            "incomplete"])
def test_bad_report_is_one_line_usage_error(tmp_path, content):
    source = tmp_path / "run.json"
    source.write_text(content)
    result = cli("report", str(source), "-o", str(tmp_path / "page.html"))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("tgfix: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "page.html").exists()


def test_missing_report_is_usage_error(tmp_path):
    result = cli("report", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2 and "no such file" in result.stderr


@pytest.mark.slow
def test_polish_report_plots_median_times(slow_project, scripted):
    scripted += [SPEED_CRITIQUE, fenced(FAST)]
    result = polish("--max-iters", "1", "--report", "run.json")
    assert result.exit_code == 0, result.output
    report = json.loads((slow_project / "run.json").read_text())
    assert report["command"] == "polish"
    before = report["initial"]["total.py"]["tests"]["timing"]["median"]
    (candidate,) = report["iterations"][0]["candidates"]
    after = candidate["tests"]["timing"]["median"]
    assert after < before and before >= 0.3
    assert report["time"]["tests"] > 3 * 0.3  # the start's three timed runs each sleep 0.3 s
    plot = curve(report)
    assert plot.y_label.startswith("median seconds")
    start, accepted = plot.points
    assert accepted.kind == "accepted" and accepted.y > start.y  # faster is lower on the page
    first, last = plot.best.split()[0], plot.best.split()[-1]
    assert float(last.split(",")[1]) > float(first.split(",")[1])


@pytest.mark.browser
def test_page_renders_in_chromium_with_curve_and_diff_visible(solved, tmp_path):
    browser = chromium()
    source = solved("run.json")
    assert cli("report", str(source)).exit_code == 0
    page = source.with_suffix(".html")
    assert external_references(page.read_text()) == []
    screenshot = tmp_path / "page.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--force-device-scale-factor=1", f"--user-data-dir={tmp_path / 'profile'}",
                    f"--screenshot={screenshot}", "--window-size=1200,2400", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    image = Image.open(screenshot).convert("RGB")
    assert ADDED in colours(image), "no added diff line visible"
    plot = curve(json.loads(source.read_text()))
    top = svg_top(image, plot)
    # The legend and the candidates' badges share the points' colours: look in the plot area only.
    plotted = colours(image.crop((0, top + TOP - 10, image.width, top + LANE + 10)))
    missing = [name for name, rgb in POINTS.items() if rgb not in plotted]
    assert missing == [], f"candidates not visible on the curve: {missing}"


def svg_top(image, plot) -> int:
    """Where the curve's SVG begins on the screenshot: the best line's first stretch, the only long
    run of its colour, is at the start point's height."""
    rows = [y for y in range(image.height)
            if sum(image.getpixel((x, y)) == BEST for x in range(0, image.width, 2)) > 100]
    assert rows, "the best-so-far line is not visible"
    return round(sum(rows) / len(rows) - plot.points[0].y)


def colours(image) -> set[tuple[int, int, int]]:
    return {rgb for _, rgb in image.getcolors(maxcolors=1 << 24)}


def chromium() -> str:
    """The browser, or a skip on a machine without one; in CI (TGFIX_REQUIRE_BROWSER=1, .ci/run installs
    it) a missing browser fails."""
    path = shutil.which("chromium")
    if path:
        return path
    skip_unless_required("chromium not installed: apt-get install chromium", "TGFIX_REQUIRE_BROWSER")


class References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in ("src", "href", "xlink:href", "srcset", "data")]


def external_references(html: str) -> list[str]:
    """Every src or href (and CSS url()) the page would fetch from elsewhere."""
    parser = References()
    parser.feed(html)
    urls = [value for value in parser.found if value and not value.startswith("#")]
    return urls + [part[:60] for part in html.split("url(")[1:]] + [part[:60] for part in html.split("@import")[1:]]
