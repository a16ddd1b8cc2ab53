"""The whole map as a spreadsheet: every card with where it sits and what the team said of it
(MOT, dots, emotion cards, plans, scores), as .xlsx (with the plans on a second sheet) and as CSV.

Rows come from one Board (a fixed number of queries, whatever the map's size); the unsorted
area's cards come last. Text never starts a formula (maps/exports.py `cell`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from maps.board import Board
from maps.exports import cell
from maps.models import JourneyMap, Lane


def _headings() -> list[str]:
    return [
        _("Stage"),
        _("Lane"),
        _("Order"),
        _("Card"),
        _("Channel"),
        _("Direct or third party"),
        _("MOT"),
        _("Dots"),
        _("Emotion cards"),
        _("Emotion mean"),
        _("Lowest"),
        _("Highest"),
        _("Action plans"),
        _("Customer value"),
        _("Business value"),
        _("Effort"),
    ]


def rows(board: Board) -> Iterator[list]:
    """One row per card, in board order (stage by stage, lane by lane), then unsorted."""
    cells = [(column.stage.name, cell_) for column in board.columns for cell_ in column.cells]
    if board.unsorted:
        cells.append((_("Unsorted"), board.unsorted))
    for stage_name, place in cells:
        for order, card in enumerate(place.cards, start=1):
            # The current round's emotion cards, as the curve counts them.
            scores = [e.score for e in card.emotions if not getattr(e, "replaced", False)]
            touchpoint = card.lane == Lane.TOUCHPOINT
            yield [
                cell(stage_name),
                cell(board.journey_map.lane_name(card.lane)),
                order,
                cell(card.text),
                cell(card.channel_label) if touchpoint and card.channel else "",
                (_("direct") if card.is_direct else _("third party")) if touchpoint else "",
                "★" if card.is_mot else "",
                card.votes or None,
                len(scores) or None,
                round(sum(scores) / len(scores), 2) if scores else None,
                min(scores, default=None),
                max(scores, default=None),
                len(card.plans) or None,
                *_scores(card, board.journey_map.scores_hidden),
            ]


def _scores(card, hidden: bool) -> list:
    """An opportunity's mean scores (nothing while a private scoring round hides them)."""
    scored = getattr(card, "scored", None)
    if scored is None or hidden:
        return [None, None, None]
    return [round(scored.customer, 2), round(scored.business, 2), round(scored.effort, 2)]


def _plan_rows(board: Board) -> Iterator[list]:
    for plan in sorted(board.action_plans, key=lambda p: (p.due_date is None, p.due_date, p.pk)):
        yield [
            cell(plan.what),
            cell(plan.answers),
            cell(plan.owner),
            plan.due_date,
            str(plan.get_status_display()),
            cell(plan.result),
            None if plan.result_number is None else float(plan.result_number),
        ]


def as_csv(journey_map: JourneyMap) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads the Korean."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headings())
    for row in rows(Board.load(journey_map)):
        writer.writerow("" if value is None else value for value in row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(journey_map: JourneyMap) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    board = Board.load(journey_map)
    book = openpyxl.Workbook()
    cards = book.active
    cards.title = _("Cards")[:31]
    plans = book.create_sheet(_("Action plans")[:31])
    plan_headings = [
        _("What"),
        _("Opportunity or MOT"),
        _("Owner"),
        _("Due date"),
        _("Status"),
        _("Result"),
        _("Result as a number"),
    ]
    for sheet, headings, lines in (
        (cards, _headings(), rows(board)),
        (plans, plan_headings, _plan_rows(board)),
    ):
        sheet.append(headings)
        for heading in sheet[1]:
            heading.font = Font(bold=True)
        for line in lines:
            sheet.append(line)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    cards.column_dimensions["A"].width = 16
    cards.column_dimensions["D"].width = 48
    plans.column_dimensions["A"].width = 40
    plans.column_dimensions["B"].width = 32
    for row in plans.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
