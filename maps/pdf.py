"""The map as a printable PDF (WeasyPrint), from the board's own templates.

Managers were not in the room: this document is how they see the workshop, so it is laid out
for A4 landscape paper: a cover with the scenario and persona, the stages × lanes grid whose
header row repeats on every page and whose cards never split across pages, the emotion curve
under the stage columns, what the curve says, and the action-plan table.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from maps import scoring
from maps.board import Board
from maps.curve import CurveData


def document_context(journey_map, *, team: str = "") -> dict:
    """What `maps/print_document.html` needs for one map; `team` names the workshop team whose
    map it is, for the cover."""
    board = Board.load(journey_map)
    return {
        "journey_map": journey_map,
        "board": board,
        "curve": CurveData.from_board(board),
        "strengths": board.strengths,
        "priorities": [] if journey_map.scores_hidden else scoring.priorities_on(board),
        "team": team,
        "printing": True,
        "printed_at": timezone.localtime(),
    }


def print_html(journey_map, *, team: str = "") -> str:
    return render_to_string("maps/print.html", document_context(journey_map, team=team))


def write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    # Nothing is fetched: the CSS is inline and the curve is inline SVG.
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def _no_fetching(url, *args, **kwargs):
    raise ValueError(f"the PDF fetches nothing ({url[:60]})")


def map_pdf(journey_map, *, team: str = "") -> bytes:
    return write_pdf(print_html(journey_map, team=team))
