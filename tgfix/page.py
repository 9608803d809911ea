"""The report page: one self-contained HTML file (inline CSS and SVG, no script, no fetch) from a report."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import DiffLexer
from pygments.style import Style
from pygments.token import Generic

from tgfix.formatting import number, plural, seconds, usd
from tgfix.curve import FAILED, KINDS, curve, kind


class DiffStyle(Style):
    """git diff's colours, on light backgrounds."""

    background_color = "#f6f8fa"
    styles = {Generic.Inserted: "bg:#ccffd8 #116329", Generic.Deleted: "bg:#ffd7d5 #82071e",
              Generic.Subheading: "#8250df", Generic.Heading: "bold"}


FORMATTER = HtmlFormatter(style=DiffStyle, nowrap=True)


@dataclass(frozen=True)
class Totals:
    calls: int
    cached_calls: int
    prompt_tokens: int
    completion_tokens: int
    cost: float
    total: float  # seconds of wall clock
    model: float
    tests: float

    @property
    def overhead(self) -> float | None:
        """What is neither the model nor the tests (tgfix itself, git, the sandbox copies); None when it
        cannot be told: candidates validated in parallel overlap their test runs."""
        rest = self.total - self.model - self.tests
        return rest if rest >= 0 else None


def render(report: dict) -> str:
    environment = Environment(loader=PackageLoader("tgfix", "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(diff=highlight_diff, seconds=seconds, plural=plural, usd=usd, number=number)
    environment.globals.update(kind=kind, kinds=KINDS, failures=failures)
    return environment.get_template("report.html").render(
        r=report, curve=curve(report), totals=totals(report), diff_css=Markup(FORMATTER.get_style_defs(".diff")))


def highlight_diff(diff: str) -> Markup:
    return Markup(highlight(diff, DiffLexer(), FORMATTER))


def failures(tests: dict) -> list[dict]:
    """The failing tests of a report, as the model read them."""
    return [case for case in tests["cases"] if case["outcome"] in FAILED]


def totals(report: dict) -> Totals:
    usage, time = report["usage"], report["time"]
    return Totals(usage["calls"], usage["cached_calls"], usage["prompt_tokens"], usage["completion_tokens"],
                  usage["cost"], time["total"], time["model"], time["tests"])
