"""How tgfix writes numbers, wherever it shows them: the terminal (tgfix/console.py) and the report page."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.1f} ms"


def usd(cost: float) -> str:
    return f"${cost:.4f}"


def number(count: int) -> str:
    return f"{count:,}"
