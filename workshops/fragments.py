"""What an edit changed, as HTML the browser swaps in by id (hx-swap-oob).

The same string answers the person who made the edit and is pushed to everyone else in the
room, so every screen shows the same templates the page itself renders (one file per thing,
under templates/maps/; the PDF includes them too).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string

from maps import scoring
from maps.board import Board, Cell, Ranking, strength_cards
from maps.curve import CurveData
from maps.forms import MapLanesForm
from maps.models import JourneyMap
from maps.templatetags.maps_tags import SHARED
from workshops.room_means import room_means


def render(
    journey_map: JourneyMap,
    *,
    cells: Iterable[tuple[int | None, str]] = (),  # (stage, lane); (None, UNSORTED)
    cards: Iterable[int] = (),
    appended: Iterable = (),
    stages: Iterable[int] = (),
    plans: bool = False,
    header: bool = False,
    grid: bool = False,
    lanes: bool = False,
    priorities: bool = False,
    curve: bool = False,
    ranking: str = "",
    votes: Iterable[int] = (),
) -> str:
    """The named parts of one board, each ready to swap out-of-band."""
    cells, cards, stages = list(cells), set(cards), set(stages)
    parts: list[tuple[str, dict]] = []
    if header:
        parts.append(("maps/header.html", {}))
    # A new card has no emotion cards or plans yet: render it alone, without loading its
    # stage (which would make every add slower as a cell fills up).
    for card in appended:  # Card objects, their stage loaded
        card.emotions, card.plans, card.figures_row, card.scored = [], [], None, None
        parts.append(
            ("maps/card_appended.html", {"card": card, "cell": Cell(card.stage, card.lane)})
        )
    if grid:
        board = Board.load(journey_map)
        parts.append(("maps/grid.html", {"board": board}))
        parts.append(("maps/cell_cards.html", {"cell": board.unsorted}))
        cells, cards, stages = [], set(), set()
    elif cells or cards or stages or plans:
        card_stages = (
            set(journey_map.cards.filter(pk__in=cards).values_list("stage_id", flat=True))
            if cards
            else set()
        )
        board = Board.load(
            journey_map, stage_ids=list({s for s, _ in cells} | stages | card_stages)
        )
    else:
        board = None
    for column in board.columns if board else ():
        if column.stage.pk in stages:
            parts.append(("maps/stage_header.html", {"column": column, "stage": column.stage}))
            parts.append(("maps/stage_emotions.html", {"column": column, "stage": column.stage}))
    for cell in board.cells() if board else ():
        if (cell.stage_id, cell.lane) in cells:
            parts.append(("maps/cell_cards.html", {"cell": cell}))
        parts.extend(("maps/card.html", {"card": card}) for card in cell.cards if card.pk in cards)
    if lanes:  # the lanes panel, so every screen's choice is the map's
        parts.append(("maps/lanes_form.html", {"form": MapLanesForm(journey_map=journey_map)}))
    if curve or grid:
        # Only from edits that can move the curve: its SVG is tens of KB per push. A whole
        # board is loaded already when the grid goes out; otherwise three small queries.
        data = CurveData.from_board(board) if grid else CurveData.load(journey_map)
        panel = {
            "curve": data,
            "room_means": room_means(journey_map, data),
            "strengths": strength_cards(journey_map),
        }
        parts.append(("maps/curve_panel.html", panel))
    if plans:
        parts.append(("maps/plans.html", {"board": board}))
    if priorities:  # value for effort: the ranking and the matrix
        parts.append(("maps/priorities.html", {"priorities": scoring.priorities(journey_map)}))
    for card in journey_map.cards.filter(pk__in=list(votes)):
        parts.append(("maps/dot_count.html", {"card": card}))
    if ranking:
        parts.append(
            ("workshops/vote_results.html", {"ranking": Ranking.load(journey_map, ranking)})
        )
    # No CSRF token in what goes to the room: a form rendered with the editor's token would be
    # refused (403) when someone else submits it, and the token is the editor's alone. Every
    # htmx request sends its own page's token in the X-CSRFToken header instead.
    # SHARED: rendered once for everyone in the room (see the client_token_field tag).
    base = {"journey_map": journey_map, "oob": True, "csrf_token": "", SHARED: True}
    return "".join(render_to_string(name, {**base, **context}) for name, context in parts)
