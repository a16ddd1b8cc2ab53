"""Writes that sort a brainstorm: merging duplicate cards, and taking back one's own delete,
move or merge (workshops/undo.py). Moving a card is workshops/actions/cards.py `move_card`."""

from __future__ import annotations

from django.utils.translation import ngettext

from maps import sorting
from maps.models import Card, Lane, OpportunityScore
from workshops import fragments, undo
from workshops.access import Author
from workshops.broadcast import Push, action, tell_room
from workshops.models import Dot, Undo


@action
def merge_cards(kept: Card, others: list[Card], *, by: Author) -> tuple[Push, Undo]:
    """`others` into `kept`: their texts stay on it, what hung from them follows (their dots
    too, which are the workshop's); every cell they left and the kept card go to the room."""
    journey_map = kept.journey_map
    label = ngettext("%(n)d card merged.", "%(n)d cards merged.", len(others) + 1) % {
        "n": len(others) + 1
    }
    taken = undo.keep(journey_map, by, label, undo.rows_of([kept, *others]))
    Dot.objects.filter(card__in=others).update(card=kept)
    sorting.merge(kept, others)
    undo.watch(taken, [kept])
    touchpoint = any(card.is_touchpoint for card in (kept, *others))
    insights = any(card.feeds_insights for card in (kept, *others))
    html = fragments.render(
        journey_map,
        cells={(card.stage_id, card.lane) for card in (kept, *others)},
        stages={card.stage_id for card in (kept, *others)} if touchpoint else (),
        plans=any(card.lane in (Lane.OPPORTUNITY, Lane.TOUCHPOINT) for card in others),
        curve=insights,
    )
    return tell_room(journey_map, html, by=by.name), taken


@action
def take_back(taken: Undo, *, by: Author) -> Push:
    """The rows as they were before the action; the cells they touch go to the room."""
    journey_map = taken.journey_map
    cells = undo.take_back(taken)
    stages = {stage for stage, _lane in cells if stage is not None}
    html = fragments.render(journey_map, cells=cells, stages=stages, plans=True, curve=True)
    return tell_room(journey_map, html, by=by.name)


@action
def score_opportunity(card: Card, *, by: Author, **scores) -> Push:
    """One person's scores for an opportunity (again: they replace that person's last ones).
    The card (its means, or how many scored while hidden) and the ranking go to the room."""
    OpportunityScore.objects.update_or_create(
        card=card, scorer=by.key, defaults={"journey_map": card.journey_map, **scores}
    )
    html = fragments.render(card.journey_map, cards=[card.pk], priorities=True)
    return tell_room(card.journey_map, html, by=by.name)
