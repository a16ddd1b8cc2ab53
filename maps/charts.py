"""Drawing emotion curves with matplotlib's Figure API (no pyplot: no global state in a
server), as SVG or PNG. `render` caches the bytes by a digest of the data, so an unchanged
curve is never drawn twice. The data and its insights are `maps/curve.py`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import statistics
import threading
import warnings

from django.core.cache import caches
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maps.curve import CurveData, aligned_means, stage_axis
from maps.touchpoints import TouchpointView

# Chosen on purpose: NanumGothic (Debian fonts-nanum) has every Hangul syllable and keeps
# PDFs small; DejaVu Sans (matplotlib's own) covers what Nanum lacks, such as U+2212.
FONT_FAMILY = ["NanumGothic", "DejaVu Sans"]
SCORES = (-2, -1, 0, 1, 2)
SPREAD_IQR_FROM = 10  # cards in a stage from which its band is the middle half


def spread_offsets(count: int, width: float = 0.5) -> list[float]:
    """Horizontal offsets for `count` equal scores in one stage, centred on the stage, so no
    point hides another."""
    if count <= 1:
        return [0.0] * count
    step = min(0.08, width / (count - 1))
    return [(i - (count - 1) / 2) * step for i in range(count)]


def points(data: CurveData) -> list[tuple[float, int]]:
    """Every emotion card as (x, score), spread out where scores repeat."""
    result = []
    for x, stage in enumerate(data.stages):
        for score in SCORES:
            same = [e for e in stage.emotions if e.score == score]
            result += [(x + dx, score) for dx in spread_offsets(len(same))]
    return result


def spread(scores: list[int]) -> tuple[float, float] | None:
    """The band drawn around a stage's mean: lowest to highest, or, from SPREAD_IQR_FROM cards
    on (where the extremes are nearly always −2 and +2), the middle half (interquartile
    range), as the legend says."""
    if not scores:
        return None
    if len(scores) < SPREAD_IQR_FROM:
        return min(scores), max(scores)
    q1, _median, q3 = statistics.quantiles(scores, n=4)
    return q1, q3


def stage_label(name: str, stages: int) -> str:
    """A stage's name under the chart, at most two lines that fit its share of the width
    (Korean has no spaces to break at, so lines are cut by length), shortened with "…"."""
    width = max(4, min(16, 110 // max(stages, 1)))
    if stages > 12:
        return name if len(name) <= 2 * width else name[: 2 * width - 1] + "…"
    lines = [name[i : i + width] for i in range(0, len(name), width)] or [""]
    if len(lines) > 2:
        lines = [lines[0], lines[1][: width - 1] + "…"]
    return "\n".join(lines)


def tick_style(stages: int) -> dict:
    """Past 12 stages the names are turned, so 30 of them (or long ones) never overprint."""
    if stages > 12:
        return {"fontsize": 7, "rotation": 45, "ha": "right", "rotation_mode": "anchor"}
    return {"fontsize": 9}


def _scale_words() -> dict[int, str]:
    return {
        -2: _("very bad"),
        -1: _("bad"),
        0: _("neutral"),
        1: _("good"),
        2: _("very good"),
    }


def _figure(data: CurveData, width: float, height: float):
    from matplotlib.figure import Figure

    n = max(len(data.stages), 1)
    fig = Figure(figsize=(width, height), dpi=100)
    # The axes span the whole width with each stage centred in 1/n of it, so the chart lines
    # up under equal-width stage columns (the PDF puts it under the grid).
    # Turned names (past 12 stages) need room below and a little to the left.
    ax = fig.add_axes((0.04, 0.34, 0.96, 0.6) if n > 12 else (0, 0.2, 1, 0.72))
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(-2.6, 3.05)
    ax.set_yticks(SCORES)
    ax.tick_params(axis="y", length=0, labelleft=False)
    ax.grid(axis="y", color="#e5e7eb", linewidth=0.8)
    ax.axhline(0, color="#9ca3af", linewidth=1)
    for spine in ax.spines.values():
        spine.set_visible(False)
    words = _scale_words()
    for score in (-2, 0, 2):
        label = f"{score:+d} {words[score]}" if score else f"0 {words[score]}"
        if n > 12:  # in the margin, as numbers: the first stage's column is too narrow
            ax.text(-0.55, score, label.split()[0], fontsize=7, color="#6b7280", ha="right")
        else:
            ax.text(-0.48, score + 0.04, label, fontsize=7, color="#6b7280", va="bottom")
    xs = range(len(data.stages))
    ax.set_xticks(list(xs), [stage_label(s.name, n) for s in data.stages], **tick_style(n))
    ax.tick_params(axis="x", length=0)

    bands = [spread(s.scores) for s in data.stages]
    lows = [b[0] if b else float("nan") for b in bands]
    highs = [b[1] if b else float("nan") for b in bands]
    means = [m if m is not None else float("nan") for m in data.means]
    # NaN breaks the band and the line: an unscored stage is a gap, never a zero.
    ax.fill_between(xs, lows, highs, color="#93c5fd", alpha=0.3, linewidth=0)
    # Each stage's own range as a bar too: a band needs two neighbours to show.
    ax.vlines(xs, lows, highs, color="#93c5fd", alpha=0.6, linewidth=min(10, 200 / n))
    ax.plot(xs, means, color="#1d4ed8", linewidth=2.2, marker="o", markersize=6)
    if pts := points(data):
        ax.scatter(
            [p[0] for p in pts],
            [p[1] for p in pts],
            s=14,
            color="#1e3a8a",
            alpha=0.55,
            linewidths=0,
            zorder=3,
        )
    # Values and MOTs in a row of their own above the chart: never on the line.
    small = 8 if n <= 12 else 6
    for x, stage in enumerate(data.stages):
        if stage.mean is not None:
            value = f"{stage.mean:+.1f}" if stage.mean else "0"
            ax.text(x, 2.7, value, ha="center", va="bottom", fontsize=small, color="#1d4ed8")
        if stage.mots:
            ax.text(x, 2.3, "★MOT", ha="center", va="bottom", fontsize=small - 1, color="#92400e")
    for x in data.lowest:
        ax.annotate(
            _("pain point"),
            (x, data.stages[x].mean),
            xytext=(x, -2.5),
            ha="center",
            fontsize=small,
            color="#b91c1c",
            arrowprops={"arrowstyle": "->", "color": "#b91c1c"},
        )
    for x, stage in enumerate(data.stages):
        if not stage.emotions:
            ax.text(x, 0.15, _("no cards"), ha="center", fontsize=7, color="#9ca3af")
    return fig


def inline_svg(drawn: bytes) -> str:
    """matplotlib's SVG file as markup inside a page: no XML prolog, and it scales with the
    page (the viewBox stays, the fixed size in points goes). Its text is escaped by matplotlib."""
    markup = drawn.decode()
    markup = markup[markup.index("<svg") :]
    markup = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", markup, count=1)
    return mark_safe(markup.replace("<svg", '<svg class="curve-chart" role="img"', 1))


def describe(data: CurveData) -> str:
    """The curve in words: the SVG's title, read by screen readers and searchable."""
    parts = []
    for stage in data.stages:
        if stage.mean is None:
            parts.append(_("%(stage)s: no emotion cards") % {"stage": stage.name})
        else:
            parts.append(
                _("%(stage)s: mean %(mean)+.1f from %(count)d cards")
                % {"stage": stage.name, "mean": stage.mean, "count": len(stage.emotions)}
            )
    return _("Emotion curve") + " — " + "; ".join(parts)


def warm_up() -> None:
    """Import matplotlib and read its fonts now, not in the first request that draws a curve
    (about half a second idle, several under load: a re-read after a restart waited on it)."""
    draw(CurveData(), "svg")


def render(data: CurveData, fmt: str = "svg", *, width: float = 10, height: float = 2.6) -> bytes:
    """The chart as SVG or PNG bytes, drawn once per (data, format, size, language)."""
    key = f"curve:{data.drawn_digest}:{fmt}:{width}x{height}:{get_language()}"
    return _drawn_once(key, lambda: draw(data, fmt, width=width, height=height))


def render_compare(series: list[tuple[str, CurveData]], fmt: str = "svg") -> bytes:
    """`draw_compare`, drawn once per (labels and curves, format, language): the gallery and
    the compare page are read again and again while nothing changes."""
    shown = repr([(label, data.digest) for label, data in series]).encode()
    key = f"compare:{hashlib.sha256(shown).hexdigest()[:24]}:{fmt}:{get_language()}"
    return _drawn_once(key, lambda: draw_compare(series, fmt))


def measured_means(data: CurveData, axis: list[str]) -> list[float | None]:
    """Each stage's measured mean (its touchpoints' figures on −2…+2), by stage name."""
    by_name = {
        stage.name: measure["measured"]
        for stage, measure in zip(data.stages, TouchpointView(data).by_stage, strict=True)
    }
    return [by_name.get(name) for name in axis]


def _drawn_once(key: str, draw_it) -> bytes:
    cache = caches["curves"]  # this process's memory: a redraw is cheaper than a round trip
    drawn = cache.get(key)
    if drawn is None:
        drawn = draw_it()
        cache.set(key, drawn, 60 * 60)
    return drawn


def draw(data: CurveData, fmt: str = "svg", *, width: float = 10, height: float = 2.6) -> bytes:
    import matplotlib

    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown format {fmt!r}")
    with _drawing, _quietly(), matplotlib.rc_context(STYLE):
        return _save(_figure(data, width, height), fmt, describe(data))


@contextlib.contextmanager
def _quietly():
    """Names are people's text: an emoji or a character no font here has is drawn as a box,
    and matplotlib's warning about it (once per glyph) says nothing anyone can act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        warnings.filterwarnings("ignore", "No artists with labels", UserWarning)
        yield


# rc_context sets matplotlib's global settings: one drawing at a time, whatever the thread
# (the warm-up at start, the views, a PDF's preparation). Drawing holds the GIL anyway.
_drawing = threading.Lock()

STYLE = {
    "font.family": FONT_FAMILY,
    # NanumGothic has no U+2212 minus sign: use the hyphen-minus for negative numbers.
    "axes.unicode_minus": False,
    # Glyphs as paths: the SVG looks the same wherever it is opened, font or not.
    "svg.fonttype": "path",
    "svg.hashsalt": "journeymap",  # stable ids, so equal data gives equal bytes
    # Names are drawn as written: a pair of `$` would otherwise be read as a formula (and a
    # malformed one raise), so a stage or team named like one broke every chart it was on.
    "text.parse_math": False,
}


def _save(fig, fmt: str, title: str) -> bytes:
    """PNG at 150 dpi, or SVG titled in words (screen readers, search) and without a date."""
    out = io.BytesIO()
    fig.savefig(
        out,
        format=fmt,
        dpi=150 if fmt == "png" else 100,
        metadata={"Title": title, "Date": None} if fmt == "svg" else None,
    )
    return out.getvalue()


COLOURS = ["#1d4ed8", "#d97706", "#059669", "#be185d", "#7c3aed", "#0891b2", "#4b5563"]


def draw_compare(
    series: list[tuple[str, CurveData]], fmt: str = "svg", *, width=10.0, height=3.2
) -> bytes:
    """Several curves on one chart with a legend: current vs future state, a map vs a saved
    version, or every team of a workshop."""
    import matplotlib
    from matplotlib.figure import Figure

    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown format {fmt!r}")
    axis = stage_axis(series)
    with _drawing, _quietly(), matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, height), dpi=100)
        ax = fig.add_axes((0.07, 0.28, 0.9, 0.64))
        ax.set_xlim(-0.5, max(len(axis), 1) - 0.5)
        ax.set_ylim(-2.4, 2.4)
        ax.set_yticks(SCORES, [f"{s:+d}" if s else "0" for s in SCORES], fontsize=8)
        ax.set_xticks(range(len(axis)), axis, fontsize=9)
        ax.grid(axis="y", color="#e5e7eb", linewidth=0.8)
        ax.axhline(0, color="#9ca3af", linewidth=1)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for n, (label, data) in enumerate(series):
            means = [m if m is not None else float("nan") for m in aligned_means(data, axis)]
            # matplotlib leaves labels starting with "_" out of the legend.
            label = "\u200b" + label if label.startswith("_") else label
            colour = COLOURS[n % len(COLOURS)]
            ax.plot(
                range(len(axis)),
                means,
                color=colour,
                linewidth=2.2,
                marker="o",
                markersize=5,
                linestyle="-" if n == 0 else "--",
                label=label,
            )
            measured = measured_means(data, axis)
            if any(m is not None for m in measured):  # "did the fix move the figure?"
                ax.plot(
                    range(len(axis)),
                    [m if m is not None else float("nan") for m in measured],
                    color=colour,
                    linewidth=1.4,
                    marker="s",
                    markersize=4,
                    linestyle=":",
                    label=f"{label} · " + _("measured"),
                )
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18),
            ncol=min(len(series), 4),
            frameon=False,
            fontsize=9,
        )
        title = _("Emotion curves compared") + ": " + ", ".join(label for label, _d in series)
        return _save(fig, fmt, title)
