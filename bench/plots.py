"""The benchmark's pictures, as PNG files (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

CURVES_PER_METHOD = 6
CURVE_METHODS = 3
MARKERS = "osD^v<>"


def solved_vs_calls(rows: list[dict], methods: list[str], budget: int, path: Path) -> None:
    """Cases solved within k model calls, for k = 0 .. budget, one line per method."""
    figure, axes = plt.subplots(figsize=(6.5, 4))
    ks = range(budget + 1)
    for offset, method in enumerate(methods):
        mine = [row for row in rows if row["method"] == method]
        # Offset and marked, as in solved_vs_seconds: methods with equal counts stay visible.
        axes.step(ks, [offset * 0.06 + sum(row["solved"] and row["calls"] <= k for row in mine) for k in ks],
                  where="post", marker=MARKERS[offset % len(MARKERS)], markersize=4,
                  label=f"{method} ({len(mine)} cases)")
    axes.set(xlabel="LLM calls", ylabel="cases solved", title="Cases solved vs LLM calls")
    axes.set_xticks(list(ks))
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small")
    _save(figure, path)


def solved_vs_seconds(rows: list[dict], methods: list[str], path: Path) -> None:
    """Cases solved within t seconds of wall clock, one line per method (each solved case at its time)."""
    figure, axes = plt.subplots(figsize=(6.5, 4))
    end = max((row["seconds"] for row in rows), default=1.0)  # every line runs to the longest run
    for offset, method in enumerate(methods):
        mine = [row for row in rows if row["method"] == method]
        times = sorted(row["seconds"] for row in mine if row["solved"])
        # A small vertical offset keeps methods with equal counts from hiding one another.
        counts = [offset * 0.06 + n for n in range(len(times) + 1)]
        axes.step([0, *times, end], [*counts, counts[-1]], where="post", marker=MARKERS[offset % len(MARKERS)],
                  markersize=4, label=f"{method} ({len(times)}/{len(mine)} solved)")
    axes.set(xlabel="seconds of wall clock", ylabel="cases solved", title="Cases solved vs seconds")
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small")
    _save(figure, path)


def loss_curves(rows: list[dict], methods: list[str], path: Path) -> None:
    """Fraction of tests passing after each iteration (naive loops: each call), a few cases per method."""
    shown = [m for m in methods if any(row["method"] == m and len(row["curve"]) > 2 for row in rows)]
    shown = shown[:CURVE_METHODS] or methods[:1]
    figure, axes = plt.subplots(1, len(shown), figsize=(4.5 * len(shown), 3.8), sharey=True, squeeze=False)
    for axis, method in zip(axes[0], shown):
        runs = [row for row in rows if row["method"] == method and row["total"]][:CURVES_PER_METHOD]
        for row in runs:
            axis.plot(range(len(row["curve"])), [p / row["total"] for p in row["curve"]], marker="o",
                      label=row["case"])
        axis.set(title=method, xlabel="iteration", ylim=(-0.05, 1.05))
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.grid(alpha=0.3)
        if runs:
            axis.legend(fontsize="x-small")
    axes[0][0].set_ylabel("fraction of tests passing")
    _save(figure, path)


def _save(figure, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
