"""Scoring opportunities (issue 15): customer value, business value and effort, 1–5 each, by
each person; the means per opportunity, their ranking by value for effort, and the value ×
effort matrix drawn with the curve's chart code (maps/charts.py: fonts, one drawing at a
time, cached by a digest of what is drawn)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from maps import charts
from maps.models import SCORE_RANGE, Card, JourneyMap, Lane, OpportunityScore
from maps.models.scores import Scored, means


@dataclass(frozen=True)
class Priority:
    card: Card
    scored: Scored


def priorities(journey_map: JourneyMap) -> list:
    """The scored opportunities, best value for effort first (then value, then dots)."""
    scored = means(journey_map)
    cards = journey_map.cards.filter(lane=Lane.OPPORTUNITY, pk__in=list(scored))
    return _ranked([Priority(card, scored[card.pk]) for card in cards.select_related("stage")])


def priorities_on(board) -> list:
    """The same, read off a loaded board (no query): the board page and the PDF."""
    rows = []
    for column in board.columns:
        for cell in column.cells:
            for card in cell.cards if cell.lane == Lane.OPPORTUNITY else ():
                if card.scored:
                    card.stage = column.stage  # known already: the ranking names it
                    rows.append(Priority(card, card.scored))
    return _ranked(rows)


def _ranked(rows: list) -> list:
    return sorted(
        rows,
        key=lambda p: (-p.scored.value_for_effort, -p.scored.value, -p.card.votes, p.card.pk),
    )


class ScoreForm(forms.ModelForm):
    """One person's scores for one opportunity."""

    class Meta:
        model = OpportunityScore
        fields = ["customer_value", "business_value", "effort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = SCORE_RANGE
        helps = {
            "customer_value": gettext_lazy("How much it matters to the customer (5: a lot)"),
            "business_value": gettext_lazy("How much it matters to the business (5: a lot)"),
            "effort": gettext_lazy("How hard it is to do (1: easy, 5: very hard)"),
        }
        for name, field in self.fields.items():
            self.fields[name] = forms.TypedChoiceField(
                label=field.label,
                help_text=helps[name],
                coerce=int,
                choices=[(n, str(n)) for n in range(low, high + 1)],
                widget=forms.RadioSelect,
                error_messages={"required": _("Give a score from 1 to 5.")},
            )


# The matrix --------------------------------------------------------------------------------


def matrix_digest(rows: list[Priority]) -> str:
    key = repr([(p.card.text, p.scored, p.card.votes) for p in rows])
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def render_matrix(rows: list[Priority], fmt: str = "svg") -> bytes:
    key = f"matrix:{matrix_digest(rows)}:{fmt}:{get_language()}"
    return charts._drawn_once(key, lambda: draw_matrix(rows, fmt))


def describe(rows: list[Priority]) -> str:
    if not rows:
        return _("No opportunity is scored yet.")
    best = rows[0]
    words = _(
        "Value for effort: %(n)d opportunities; best: %(best)s "
        "(value %(value).1f, effort %(effort).1f)."
    )
    return words % {
        "n": len(rows),
        "best": best.card.text[:40],
        "value": best.scored.value,
        "effort": best.scored.effort,
    }


def _short(text: str, size: int = 16) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def draw_matrix(rows: list[Priority], fmt: str = "svg") -> bytes:
    """Value (up) against effort (right): quick wins top left. A bubble's size is its dots."""
    import matplotlib
    from matplotlib.figure import Figure

    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown format {fmt!r}")
    with charts._drawing, charts._quietly(), matplotlib.rc_context(charts.STYLE):
        fig = Figure(figsize=(6, 4.2), dpi=100)
        ax = fig.add_axes((0.11, 0.13, 0.86, 0.8))
        ax.set_xlim(0.5, 5.5)
        ax.set_ylim(0.5, 5.5)
        ax.axvline(3, color="#d1d5db", linewidth=1)
        ax.axhline(3, color="#d1d5db", linewidth=1)
        ax.set_xlabel(_("Effort (1 easy … 5 very hard)"), fontsize=9)
        ax.set_ylabel(_("Value (customer and business)"), fontsize=9)
        corners = [
            (0.6, 5.35, _("Quick wins")),
            (5.4, 5.35, _("Big bets")),
            (0.6, 0.65, _("Fill-ins")),
            (5.4, 0.65, _("Not now")),
        ]
        for x, y, words in corners:
            ha = "left" if x < 3 else "right"
            ax.text(
                x, y, words, fontsize=8, color="#6b7280", ha=ha, va="top" if y > 3 else "bottom"
            )
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        for p in rows:
            size = 60 + 40 * p.card.votes
            ax.scatter(
                [p.scored.effort],
                [p.scored.value],
                s=size,
                color="#10b981",
                alpha=0.6,
                edgecolors="#047857",
            )
            ax.annotate(
                _short(p.card.text),
                (p.scored.effort, p.scored.value),
                xytext=(6, 4),
                textcoords="offset points",
                fontsize=8,
            )
        return charts._save(fig, fmt, describe(rows))
