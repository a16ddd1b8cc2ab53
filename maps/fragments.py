"""What an edit changed, as HTML the browser swaps in by id (hx-swap-oob).

The same string answers the person who made the edit and is pushed to everyone else in the
room, so every screen shows the same partials the page itself renders.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string

from maps.board import Board, Cell, Ranking
from maps.curve import CurveData
from maps.models import JourneyMap

BOARD = "maps/board.html"


def render(
    request,
    journey_map: JourneyMap,
    *,
    cells: Iterable[tuple[int, str]] = (),
    cards: Iterable[int] = (),
    appended: Iterable[int] = (),
    stages: Iterable[int] = (),
    plans: bool = False,
    header: bool = False,
    grid: bool = False,
    curve: bool = False,
    ranking: str = "",
    votes: Iterable[int] = (),
) -> str:
    """The named parts of one board, each ready to swap out-of-band."""
    cells, cards, stages = list(cells), set(cards), set(stages)
    parts: list[tuple[str, dict]] = []
    if header:
        parts.append(("map_header", {}))
    # A new card has no emotion cards or plans yet: render it alone, without loading its
    # stage (which would make every add slower as a cell fills up).
    for card in journey_map.cards.filter(pk__in=list(appended)).select_related("stage"):
        card.emotions, card.plans = [], []
        parts.append(("appended_card", {"card": card, "cell": Cell(card.stage, card.lane)}))
    if grid:
        board = Board.load(journey_map)
        parts.append(("board_grid", {"board": board}))
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
            parts.append(("stage_header", {"column": column, "stage": column.stage}))
            parts.append(("stage_emotions", {"column": column, "stage": column.stage}))
        for cell in column.cells:
            if (column.stage.pk, cell.lane) in cells:
                parts.append(("cell_cards", {"cell": cell}))
            for card in cell.cards:
                if card.pk in cards:
                    parts.append(("card", {"card": card, "column": column}))
    if curve or grid:
        # Only from edits that can move the curve: its SVG is tens of KB per push. A whole
        # board is loaded already when the grid goes out; otherwise three small queries.
        data = CurveData.from_board(board) if grid else CurveData.load(journey_map)
        parts.append(("curve_panel", {"curve": data}))
    if plans:
        parts.append(("plans_table", {"board": board}))
    for card in journey_map.cards.filter(pk__in=list(votes)):
        parts.append(("dot_count", {"card": card}))
    if ranking:
        parts.append(("vote_results", {"ranking": Ranking.load(journey_map, ranking)}))
    # No CSRF token in what goes to the room: a form rendered with the editor's token would be
    # refused (403) when someone else submits it, and the token is the editor's alone. Every
    # htmx request sends its own page's token in the X-CSRFToken header instead.
    # `shared`: rendered once for everyone in the room (see the client_token tag).
    base = {"journey_map": journey_map, "oob": True, "csrf_token": "", "shared": True}
    return "".join(
        render_to_string(f"{BOARD}#{name}", {**base, **context}, request) for name, context in parts
    )
