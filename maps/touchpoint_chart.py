"""The curve by touchpoint: one point per touchpoint in board order, the mean of its emotion
cards with their range, stage boundaries marked, MOT stars on the touchpoint itself, and,
where touchpoints carry figures, a second line: the measured experience on the same −2…+2
scale (maps/models/figures.py says how, and so does the chart's legend)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maps import charts
from maps.curve import CurveData
from maps.touchpoints import TouchpointView

FELT, MEASURED, MOT = "#1d4ed8", "#c2410c", "#d97706"


def render(data: CurveData, fmt: str = "svg") -> bytes:
    """Drawn once per (data, format, language), like the stage curve."""
    key = f"touchpoints:{data.digest}:{fmt}:{get_language()}"
    return charts._drawn_once(key, lambda: draw(data, fmt))


def _short(text: str, size: int = 14) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def draw(data: CurveData, fmt: str = "svg") -> bytes:
    import matplotlib
    from matplotlib.figure import Figure

    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown format {fmt!r}")
    view = TouchpointView(data)
    rows = view.rows
    n = max(len(rows), 1)
    width = min(max(10.0, 0.42 * n), 30.0)
    with charts._drawing, charts._quietly(), matplotlib.rc_context(charts.STYLE):
        rotated = n > 5
        fig = Figure(figsize=(width, 3.6 if rotated else 3.2), dpi=100)
        ax = fig.add_axes((0.04, 0.36 if rotated else 0.26, 0.94, 0.56 if rotated else 0.64))
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(-2.6, 2.9)
        ax.set_yticks(charts.SCORES, [f"{s:+d}" if s else "0" for s in charts.SCORES], fontsize=8)
        ax.grid(axis="y", color="#e5e7eb", linewidth=0.8)
        ax.axhline(0, color="#9ca3af", linewidth=1)
        for spine in ax.spines.values():
            spine.set_visible(False)
        labels = [_short(r.touchpoint.text, 12) for r in rows]
        step = max(1, n // 40)  # past 40 touchpoints, every other label (and so on)
        ax.set_xticks(
            range(0, len(rows), step),
            labels[::step],
            fontsize=7,
            rotation=35 if rotated else 0,
            ha="right" if rotated else "center",
        )
        _stages(ax, rows)
        xs = range(len(rows))
        nan = float("nan")
        means = [r.mean if r.mean is not None else nan for r in rows]
        lows = [r.low if r.low is not None else nan for r in rows]
        highs = [r.high if r.high is not None else nan for r in rows]
        ax.vlines(xs, lows, highs, color=FELT, alpha=0.25, linewidth=6)
        ax.plot(xs, means, color=FELT, linewidth=2, marker="o", markersize=5, label=_("felt"))
        if view.has_measured:
            measured = [r.measured if r.measured is not None else nan for r in rows]
            ax.plot(
                xs,
                measured,
                color=MEASURED,
                linewidth=1.8,
                linestyle="--",
                marker="s",
                markersize=5,
                label=_("measured (scaled to −2…+2)"),
            )
        for x, row in enumerate(rows):
            if row.touchpoint.is_mot:  # above both lines, so it hides neither
                top = max(
                    (v for v in (row.mean, row.measured, row.high) if v is not None), default=2
                )
                ax.scatter([x], [min(top + 0.4, 2.6)], marker="*", s=120, color=MOT, zorder=4)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.42 if rotated else -0.16),
            fontsize=7,
            frameon=False,
            ncol=2,
        )
        title = (
            _("Emotion curve by touchpoint")
            + ": "
            + ", ".join(f"{r.touchpoint.text} {r.mean:+.1f}" for r in rows if r.mean is not None)
        )
        return charts._save(fig, fmt, title)


def _stages(ax, rows) -> None:
    """A thin line where one stage ends and the next begins, its name above its touchpoints."""
    start = 0
    for x in range(1, len(rows) + 1):
        if x == len(rows) or rows[x].stage_index != rows[start].stage_index:
            ax.text(
                (start + x - 1) / 2,
                2.75,
                _short(rows[start].stage, 16),
                ha="center",
                fontsize=8,
                color="#374151",
            )
            if x < len(rows):
                ax.axvline(x - 0.5, color="#9ca3af", linewidth=0.8, linestyle=":")
            start = x
