"""The map as a printable PDF (WeasyPrint), from the board's own partials.

Managers were not in the room: this document is how they see the workshop, so it is laid out
for A4 landscape paper: a cover with the scenario and persona, the stages × lanes grid whose
header row repeats on every page and whose cards never split across pages, the emotion curve
under the stage columns, what the curve says, and the action-plan table.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from maps.board import Board
from maps.curve import CurveData


def print_html(journey_map, request=None) -> str:
    board = Board.load(journey_map)
    context = {
        "journey_map": journey_map,
        "board": board,
        "curve": CurveData.from_board(board),
        "printing": True,
        "printed_at": timezone.localtime(),
    }
    return render_to_string("maps/print.html", context, request)


def workshop_html(workshop, request=None) -> str:
    """Every team's map in one document, after a cover with all the teams' curves."""
    from maps import curve

    documents = []
    for team in workshop.teams.select_related("journey_map__persona"):
        board = Board.load(team.journey_map)
        documents.append(
            {
                "journey_map": team.journey_map,
                "board": board,
                "curve": CurveData.from_board(board),
                "participants": [p.display_name for p in team.participants.filter(removed_at=None)],
            }
        )
    drawn = [(d["journey_map"].team.name, d["curve"]) for d in documents if not d["curve"].is_empty]
    context = {
        "workshop": workshop,
        "documents": documents,
        "chart": curve.inline_svg(curve.draw_compare(drawn)) if drawn else None,
        "printing": True,
        "printed_at": timezone.localtime(),
    }
    return render_to_string("workshops/print.html", context, request)


def write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    # Nothing is fetched: the CSS is inline and the curve is inline SVG.
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def _no_fetching(url, *args, **kwargs):
    raise ValueError(f"the PDF fetches nothing ({url[:60]})")


def map_pdf(journey_map, request=None) -> bytes:
    return write_pdf(print_html(journey_map, request))
