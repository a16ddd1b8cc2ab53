"""Loads what the board shows in a fixed number of queries, whatever the number of cards.

The page, each partial a view returns (a stage column, a card) and later the live push and
the PDF all render from a Board, so they show the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from maps.models import (
    ActionPlan,
    Card,
    EmotionCard,
    JourneyMap,
    Lane,
    Stage,
    TouchpointFigures,
)
from maps.models.scores import means as score_means


@dataclass
class Cell:
    stage: Stage | None  # None: the unsorted area
    lane: Lane
    cards: list[Card] = field(default_factory=list)

    @property
    def stage_id(self) -> int | None:
        return self.stage.pk if self.stage else None

    @property
    def is_touchpoint_lane(self) -> bool:
        return self.lane == Lane.TOUCHPOINT


@dataclass
class Column:
    stage: Stage
    cells: list[Cell]
    stage_emotions: list[EmotionCard]
    is_first: bool = False
    is_last: bool = False

    @property
    def card_count(self) -> int:
        return sum(len(cell.cards) for cell in self.cells)


@dataclass
class Board:
    journey_map: JourneyMap
    columns: list[Column]
    action_plans: list[ActionPlan]
    # The unsorted area: cards written freely, before they have a stage and lane. None on a
    # partial board that did not ask for it.
    unsorted: Cell | None = None

    @classmethod
    def load(cls, journey_map: JourneyMap, *, stage_ids: list | None = None) -> Board:
        """The whole board, or only the columns of `stage_ids` (for a partial update; None
        among them: the unsorted area)."""
        stages = list(journey_map.stages.with_emotion_summary())
        shown = [s for s in stages if stage_ids is None or s.pk in stage_ids]
        shown_ids = [s.pk for s in shown]
        with_unsorted = stage_ids is None or None in stage_ids

        placed = Q(stage_id__in=shown_ids)
        where = (placed | Q(stage__isnull=True)) if with_unsorted else placed
        cards = Card.objects.filter(where, journey_map=journey_map)
        emotions = EmotionCard.objects.filter(journey_map=journey_map, stage_id__in=shown_ids)
        plans = ActionPlan.objects.filter(journey_map=journey_map).select_related("opportunity")
        scored = score_means(journey_map)
        figures = {
            f.touchpoint_id: f
            for f in TouchpointFigures.objects.filter(
                journey_map=journey_map, touchpoint__stage_id__in=shown_ids
            )
        }

        emotions_by_card: dict[int, list[EmotionCard]] = defaultdict(list)
        stage_emotions: dict[int, list[EmotionCard]] = defaultdict(list)
        for emotion in emotions:
            if emotion.touchpoint_id:
                emotions_by_card[emotion.touchpoint_id].append(emotion)
            else:
                stage_emotions[emotion.stage_id].append(emotion)
        _mark_replaced(shown, emotions_by_card, stage_emotions)
        plans = list(plans)
        plans_by_card: dict[int, list[ActionPlan]] = defaultdict(list)
        for plan in plans:
            plans_by_card[plan.opportunity_id].append(plan)

        by_cell: dict[tuple[int, str], list[Card]] = defaultdict(list)
        for card in cards.order_by("position", "id"):
            card.emotions = emotions_by_card[card.pk]
            card.plans = plans_by_card[card.pk]
            card.figures_row = figures.get(card.pk)
            card.scored = scored.get(card.pk)
            by_cell[(card.stage_id, card.lane)].append(card)

        columns = [
            Column(
                stage=stage,
                cells=[Cell(stage, lane, by_cell[(stage.pk, lane)]) for lane in journey_map.lanes],
                stage_emotions=stage_emotions[stage.pk],
                is_first=stage.pk == stages[0].pk,
                is_last=stage.pk == stages[-1].pk,
            )
            for stage in shown
        ]
        unsorted = Cell(None, Lane.UNSORTED, by_cell[(None, Lane.UNSORTED)])
        return cls(journey_map, columns, plans, unsorted if with_unsorted else None)

    @property
    def strengths(self) -> list[Card]:
        """The strength lane's cards (the map may not have the lane), in board order, each
        with its stage at hand (the lists name it) without a query of its own."""
        found = []
        for column in self.columns:
            for cell in column.cells:
                if cell.lane == Lane.STRENGTH:
                    for card in cell.cards:
                        card.stage = column.stage
                        found.append(card)
        return found

    def cells(self) -> list[Cell]:
        """Every loaded cell, the unsorted area last."""
        cells = [cell for column in self.columns for cell in column.cells]
        return [*cells, self.unsorted] if self.unsorted else cells

    def card(self, pk: int) -> Card | None:
        """A card of the loaded part of the board, with what hangs from it; None for one the
        board does not show (its lane was turned off)."""
        return next((card for cell in self.cells() for card in cell.cards if card.pk == pk), None)

    @property
    def lanes(self) -> list[Lane]:
        return self.journey_map.lanes


def _mark_replaced(stages, emotions_by_card, stage_emotions) -> None:
    """After a later scoring round, the cards it replaced stay on the board, marked, and the
    stage's summary counts what the curve counts (maps/curve.py `counted`)."""
    counted: dict[int, list[int]] = defaultdict(list)
    rescored = False
    for group in (*emotions_by_card.values(), *stage_emotions.values()):
        latest = max(e.round for e in group)
        rescored = rescored or latest > 1
        for emotion in group:
            emotion.replaced = emotion.round < latest
            if not emotion.replaced:
                counted[emotion.stage_id].append(emotion.score)
    if not rescored:
        return  # the summary the stages were loaded with is right
    for stage in stages:
        scores = counted[stage.pk]
        stage.emotion_count = len(scores)
        stage.emotion_mean = sum(scores) / len(scores) if scores else None
        stage.emotion_min = min(scores, default=None)
        stage.emotion_max = max(scores, default=None)


@dataclass
class Ranking:
    """A dot vote's result on one map: the lane's cards with dots, most first."""

    lane: Lane
    cards: list[Card]

    SHOWN = 10

    @classmethod
    def load(cls, journey_map: JourneyMap, lane: str) -> Ranking:
        cards = [card for card in journey_map.ranked(lane) if card.votes > 0]
        return cls(lane=Lane(lane), cards=cards[: cls.SHOWN])


def strength_cards(journey_map: JourneyMap) -> list[Card]:
    """The strengths the team wrote, in board order (none on a map without that lane)."""
    if Lane.STRENGTH not in journey_map.extra_lanes:
        return []
    cards = journey_map.cards.filter(lane=Lane.STRENGTH).select_related("stage")
    return list(cards.order_by("stage__position", "position", "id"))
