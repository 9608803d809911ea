"""Plain-text table rendering with alignment, number formatting, truncation
and three border styles (plain, grid, markdown)."""
from dataclasses import dataclass

ELLIPSIS = "~"
STYLES = ("plain", "grid", "markdown")


@dataclass
class Column:
    header: str
    align: str = "left"          # left, right, center
    max_width: int = None        # longer cells are truncated with ELLIPSIS
    fmt: str = None              # format spec applied to non-string values

    def __post_init__(self):
        if self.align not in ("left", "right", "center"):
            raise ValueError(f"bad alignment {self.align!r}")
        if self.max_width is not None and self.max_width < 2:
            raise ValueError("max_width must be at least 2")


def _to_text(value, fmt):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if fmt:
        return format(value, fmt)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def truncate(text, width):
    """Shorten text to at most width characters, marking the cut."""
    if width is None or len(text) <= width:
        return text
    return text[:width] + ELLIPSIS


def pad(text, width, align):
    gap = width - len(text)
    if gap <= 0:
        return text
    if align == "right":
        return " " * gap + text
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


class Table:
    def __init__(self, columns, style="plain"):
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}")
        self.columns = [c if isinstance(c, Column) else Column(c) for c in columns]
        self.style = style
        self.rows = []
        self.footer = None

    def add_row(self, *values):
        if len(values) != len(self.columns):
            raise ValueError(f"expected {len(self.columns)} values, got {len(values)}")
        self.rows.append(list(values))
        return self

    def add_rows(self, rows):
        for row in rows:
            self.add_row(*row)
        return self

    def set_footer(self, *values):
        if len(values) != len(self.columns):
            raise ValueError("footer has the wrong number of cells")
        self.footer = list(values)
        return self

    def sort_by(self, index, reverse=False):
        self.rows.sort(key=lambda row: (row[index] is None, row[index]), reverse=reverse)
        return self

    # -- layout -------------------------------------------------------------------
    def _cells(self, row):
        return [truncate(_to_text(v, c.fmt), c.max_width) for v, c in zip(row, self.columns)]

    def _body(self):
        rows = [self._cells(r) for r in self.rows]
        if self.footer is not None:
            rows.append(self._cells(self.footer))
        return rows

    def widths(self):
        headers = [truncate(c.header, c.max_width) for c in self.columns]
        widths = [len(h) for h in headers]
        for row in self._body():
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], len(cell))
        return widths

    def _line(self, cells, widths, aligns):
        padded = [pad(cell, w, a) for cell, w, a in zip(cells, widths, aligns)]
        if self.style == "plain":
            return "  ".join(padded).rstrip()
        return "| " + " | ".join(padded) + " |"

    def _rule(self, widths, char="-"):
        if self.style == "plain":
            return "  ".join(char * w for w in widths)
        if self.style == "markdown":
            parts = []
            for w, col in zip(widths, self.columns):
                if col.align == "right":
                    parts.append("-" * (w - 1) + ":")
                elif col.align == "center":
                    parts.append(":" + "-" * (w - 2) + ":")
                else:
                    parts.append("-" * w)
            return "| " + " | ".join(parts) + " |"
        return "+" + "+".join(char * (w + 2) for w in widths) + "+"

    def render(self):
        widths = self.widths()
        aligns = [c.align for c in self.columns]
        headers = [truncate(c.header, c.max_width) for c in self.columns]
        lines = []
        if self.style == "grid":
            lines.append(self._rule(widths))
        lines.append(self._line(headers, widths, ["left"] * len(widths)
                                if self.style != "markdown" else aligns))
        lines.append(self._rule(widths, "=" if self.style == "grid" else "-"))
        body = self._body()
        data_rows = body if self.footer is None else body[:-1]
        for cells in data_rows:
            lines.append(self._line(cells, widths, aligns))
        if self.footer is not None:
            if self.style != "markdown":
                lines.append(self._rule(widths))
            lines.append(self._line(body[-1], widths, aligns))
        if self.style == "grid":
            lines.append(self._rule(widths))
        return "\n".join(lines)

    def __str__(self):
        return self.render()


def format_table(headers, rows, style="plain"):
    """Convenience wrapper: numbers right-aligned, everything else left."""
    columns = []
    for i, h in enumerate(headers):
        numeric = rows and all(isinstance(r[i], (int, float)) for r in rows if r[i] is not None)
        columns.append(Column(h, align="right" if numeric else "left"))
    return Table(columns, style).add_rows(rows).render()
