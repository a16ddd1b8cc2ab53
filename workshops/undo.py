"""Taking back a slip: one person's delete, move or merge of cards, for a short while.

Before the action its rows are written down as they are (Django's serializers: the card and
everything that hangs from it); taking it back saves them again as they were, with their own
ids, so links to them (an owner's link to a plan) work again. Only the person who did it may,
within WINDOW, and not over someone else's change: a card edited, moved, merged, dotted,
flagged or felt about (an emotion card, a plan, a score) by anyone since is left as it is,
and the person is told so.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import serializers
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maps.models import (
    ActionPlan,
    Card,
    EmotionCard,
    MotEvent,
    OpportunityScore,
    TouchpointFigures,
)
from maps.models.journey_map import renumber
from maps.models.plans import PlanNote, Reminder
from workshops.access import Author, WriteRefused
from workshops.models import Dot, Undo

WINDOW = timedelta(minutes=2)


def rows_of(cards: list[Card]) -> list:
    """The cards with everything that hangs from them, in the order they are saved back."""
    ids = [card.pk for card in cards]
    plans = list(ActionPlan.objects.filter(opportunity__in=ids))
    return [
        *Card.all_objects.filter(pk__in=ids),
        *EmotionCard.all_objects.filter(touchpoint__in=ids),
        *plans,
        *PlanNote.objects.filter(plan__in=plans),
        *Reminder.objects.filter(plan__in=plans),
        *TouchpointFigures.objects.filter(touchpoint__in=ids),
        *MotEvent.objects.filter(touchpoint__in=ids),
        *OpportunityScore.objects.filter(card__in=ids),
        *Dot.objects.filter(card__in=ids),
    ]


def moved_rows(card: Card) -> list:
    """What a move changes: the card, and the stage of a touchpoint's emotion cards."""
    feelings = EmotionCard.all_objects.filter(touchpoint=card) if card.is_touchpoint else []
    return [card, *feelings]


def keep(journey_map, by: Author, label: str, rows: list) -> Undo:
    """Write down `rows` before an action changes them (call `watch` after it)."""
    Undo.objects.filter(created_at__lt=timezone.now() - WINDOW).delete()
    return Undo.objects.create(
        journey_map=journey_map,
        author_key=by.key,
        label=label,
        rows=serializers.serialize("json", rows),
    )


def watch(undo: Undo, cards: list[Card]) -> None:
    """The cards as the action left them: taking back stops if any changes after this."""
    undo.after = {str(card.pk): _state(card) for card in cards}
    undo.save(update_fields=["after"])


def _state(card: Card) -> list:
    """What taking back would overwrite: the card's place, flag and dots, and what hangs
    from it (emotion cards, plans as their owners keep them, scores)."""
    plans = ActionPlan.objects.filter(opportunity=card).order_by("pk")
    return [
        card.version,
        card.stage_id,
        card.lane,
        card.is_mot,
        card.votes,
        sorted(EmotionCard.all_objects.filter(touchpoint=card).values_list("pk", flat=True)),
        [str(p) for p in plans.values_list("pk", "status", "owner", "due_date", "result")],
        sorted(OpportunityScore.objects.filter(card=card).values_list("pk", flat=True)),
        sorted(Dot.objects.filter(card=card).values_list("pk", flat=True)),
    ]


def find(journey_map, pk: int, by: Author) -> Undo:
    undo = Undo.objects.filter(pk=pk, journey_map=journey_map, author_key=by.key).first()
    if undo is None or undo.created_at < timezone.now() - WINDOW:
        raise WriteRefused(_("That can no longer be undone."))
    return undo


def lanes(undo: Undo) -> set[str]:
    """The lanes taking back writes to: where its cards come back, and where they are now."""
    rows = serializers.deserialize("json", undo.rows)
    back = {row.object.lane for row in rows if isinstance(row.object, Card)}
    return back | {state[2] for state in undo.after.values()}


def take_back(undo: Undo) -> set[tuple[int | None, str]]:
    """Save the rows back as they were; the cells that changed (stage, lane)."""
    cards = {str(c.pk): c for c in Card.all_objects.filter(pk__in=[int(k) for k in undo.after])}
    for pk, state in undo.after.items():
        card = cards.get(pk)
        if card is None or _state(card) != state:
            raise WriteRefused(_("Someone changed these cards since: they were left as they are."))
    rows = [row.object for row in serializers.deserialize("json", undo.rows)]
    stages = set(undo.journey_map.stages.values_list("pk", flat=True))
    restored = [row for row in rows if isinstance(row, Card)]
    if any(card.stage_id is not None and card.stage_id not in stages for card in restored):
        raise WriteRefused(_("Its stage was deleted since: it cannot come back."))
    cells = {(c.stage_id, c.lane) for c in cards.values()}
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a refusal leaves the rest usable
                for row in rows:
                    row.save()  # as it was, with its own id (a raw save: no checks again)
        except IntegrityError as clash:
            # E.g. a dot of the deleted card: its voter has placed it elsewhere since.
            raise WriteRefused(
                _("Someone changed these cards since: they were left as they are.")
            ) from clash
        for card in restored:  # back at its place in its cell
            ids = card.cell_ids(card.stage, card.lane)
            ids.insert(min(card.position, len(ids)), card.pk)
            renumber(Card, ids)
            cells.add((card.stage_id, card.lane))
        for stage_id, lane in cells - {(c.stage_id, c.lane) for c in restored}:
            Card.renumber_cell(undo.journey_map_id, stage_id, lane)
        undo.delete()
    return cells
