"""The map's print document, from the board's own templates; workshops/printshop.py turns it
into a PDF in a worker process (headless Chromium, or WeasyPrint).

Managers were not in the room: this document is how they see the workshop, so it is laid out
for A4 landscape paper: a cover with the scenario and persona, the stages × lanes grid whose
header row repeats on every page and whose cards never split across pages, the emotion curve
under the stage columns, what the curve says, and the action-plan table.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from maps import print_layout, scoring
from maps.board import Board
from maps.curve import CurveData

CANDIDATES_SHOWN = 8


def document_context(journey_map, *, team: str = "") -> dict:
    """What `maps/print_document.html` needs for one map; `team` names the workshop team whose
    map it is, for the cover."""
    board = Board.load(journey_map)
    curve = CurveData.from_board(board)
    candidates = list({c.touchpoint.text: c for c in curve.mot_candidates()}.values())
    return {
        "journey_map": journey_map,
        "board": board,
        "long_texts": print_layout.long_texts(board),  # before the bands: it marks the cards
        "bands": print_layout.bands(board),
        "curve": curve,
        # Paper lists a few, each wording once (big maps repeat touchpoints).
        "mot_candidates": candidates[:CANDIDATES_SHOWN],
        "more_candidates": max(0, len(candidates) - CANDIDATES_SHOWN),
        "strengths": board.strengths,
        "priorities": [] if journey_map.scores_hidden else scoring.priorities_on(board),
        "team": team,
        "printing": True,
        "printed_at": timezone.localtime(),
    }


def print_html(journey_map, *, team: str = "") -> str:
    return render_to_string("maps/print.html", document_context(journey_map, team=team))


def print_html_of(map_id: int, team: str = "") -> str:
    """The same, from the map's id: what the PDF worker is sent, so the map is read there
    (a thousand cards' rows and their pickling cost the server nothing)."""
    from maps.models import JourneyMap

    return print_html(JourneyMap.objects.select_related("persona").get(pk=map_id), team=team)
