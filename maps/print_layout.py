"""The grid as paper holds it: stages in bands a page can show side by side, lane rows cut
into pieces that fit on a page (each piece names its lane, "(continued)" after the first),
and texts too long for a card moved to an appendix.

Page breaks are the print engine's business, but a table row that is taller than a page is
split wherever the page ends, and the lane's name stays behind on the page before. So rows
are cut here, by an estimate of each card's height, small enough that every row fits on a
page and may be kept whole (`break-inside: avoid`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from maps.board import Board, Column
from maps.models import Card, Lane

STAGES_PER_BAND = 8  # past this, stage columns are too narrow to read: another band
# A4 landscape with the print CSS's margins, in millimetres.
GRID_WIDTH = 277 - 22  # the page less the lane-label column
ROW_HEIGHT = 55  # the most one printed row may take: a page holds ~165 under the header,
# and a row that does not fit in what is left of a page moves to the next (smaller packs better)
LONG_TEXT = 280  # characters a card shows on paper; the rest is in the appendix


@dataclass
class PrintRow:
    lane: Lane
    continued: bool  # a later piece of the lane: its label says "(continued)"
    last: bool  # the lane's last piece: what follows the lane (emotions) comes after it
    cells: list[list[Card]]


@dataclass
class Band:
    columns: list[Column]
    first: int  # 1-based stage numbers
    last: int
    rows: list[PrintRow]

    @property
    def span(self) -> str:
        """The band's stages as a `slice` filter argument, for lists by stage."""
        return f"{self.first - 1}:{self.last}"


def bands(board: Board) -> list[Band]:
    """The grid in bands of at most STAGES_PER_BAND stages, of equal size."""
    total = len(board.columns)
    count = max(1, math.ceil(total / STAGES_PER_BAND))
    size = max(1, math.ceil(total / count))
    result = []
    for start in range(0, max(total, 1), size):
        columns = board.columns[start : start + size]
        rows = []
        for index, lane in enumerate(board.lanes):
            cells = [column.cells[index].cards for column in columns]
            pieces = [_pieces(cards, len(columns)) for cards in cells]
            count = max([len(p) for p in pieces] + [1])
            for k in range(count):
                cut = [p[k] if k < len(p) else [] for p in pieces]
                rows.append(PrintRow(lane, k > 0, k == count - 1, cut))
        result.append(Band(columns, start + 1, start + len(columns), rows))
    return result


def _pieces(cards: list[Card], stages: int) -> list[list[Card]]:
    """A cell's cards cut into runs whose estimated height fits one printed row."""
    pieces, current, height = [], [], 0.0
    for card in cards:
        tall = card_height(card, stages)
        if current and height + tall > ROW_HEIGHT:
            pieces.append(current)
            current, height = [], 0.0
        current.append(card)
        height += tall
    if current:
        pieces.append(current)
    return pieces


def card_height(card: Card, stages: int) -> float:
    """Millimetres a card takes on paper, estimated on the safe side: Hangul at 8.5 pt takes
    about 2.4 mm a character with the spaces between words, and 4.1 mm a line, in a column
    GRID_WIDTH / stages wide."""
    per_line = max(4, int((GRID_WIDTH / max(stages, 1) - 8) / 2.4))
    text = printed_text(card)
    lines = sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))
    extra = 0.0
    if card.lane == Lane.TOUCHPOINT:
        extra += 4 + (4 if getattr(card, "emotions", None) else 0)
    extra += 4 * len(getattr(card, "plans", ()) or ())
    extra += 4 * (len(card.joined) + 1 if card.joined else 0)
    if getattr(card, "figures_row", None) is not None or getattr(card, "scored", None):
        extra += 4
    return 5 + lines * 4.1 + extra


def printed_text(card: Card) -> str:
    if len(card.text) <= LONG_TEXT:
        return card.text
    return card.text[: LONG_TEXT - 1] + "…"


def long_texts(board: Board) -> list[Card]:
    """Cards whose text paper shortens, numbered (card.long_ref) for the appendix."""
    found = []
    for column in board.columns:
        for cell in column.cells:
            for card in cell.cards:
                if len(card.text) > LONG_TEXT:
                    card.stage = column.stage  # the appendix names it, without a query
                    found.append(card)
                    card.long_ref, card.short_text = len(found), printed_text(card)
    return found
