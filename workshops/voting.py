"""Dot voting: the facilitator opens a vote on touchpoints (to choose MOTs) or opportunities
(to prioritise); everyone has N dots to place, several on one card if they like.

A card's `votes` holds the current round's count, so the board, the ranking and the PDF read
one number; the dots themselves stay on record per round.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maps.models import Card, Lane, MotEvent
from workshops.access import WriteRefused
from workshops.models import Dot, Workshop

LANES = (Lane.TOUCHPOINT, Lane.OPPORTUNITY)
MAX_DOTS = 10


def _check_open(workshop: Workshop, card: Card) -> None:
    if not workshop.vote_open:
        raise WriteRefused(_("No vote is open: the facilitator opens one."))
    if card.lane != workshop.vote_lane:
        raise WriteRefused(
            _("This vote is on %(lane)s.") % {"lane": Lane(workshop.vote_lane).label}
        )


def dots_left(workshop: Workshop, voter: str) -> int:
    return max(0, workshop.vote_dots - workshop.dots_used(voter))


def add_dot(workshop: Workshop, card: Card, voter: str) -> None:
    _check_open(workshop, card)
    used = set(
        workshop.dots.filter(round=workshop.vote_round, voter=voter).values_list("slot", flat=True)
    )
    free = [slot for slot in range(1, workshop.vote_dots + 1) if slot not in used]
    if not free:
        raise WriteRefused(
            ngettext(
                "You have placed your %(n)d dot. Take it back to put it elsewhere.",
                "You have placed all %(n)d of your dots. Take one back to move it.",
                workshop.vote_dots,
            )
            % {"n": workshop.vote_dots}
        )
    try:
        with transaction.atomic():
            Dot.objects.create(
                workshop=workshop, round=workshop.vote_round, card=card, voter=voter, slot=free[0]
            )
    except IntegrityError:
        # The same person's other request took this slot a moment ago.
        raise WriteRefused(
            _("Your dot was not placed: another of your dots just was. Try again.")
        ) from None
    Card.objects.filter(pk=card.pk).update(votes=F("votes") + 1)


def remove_dot(workshop: Workshop, card: Card, voter: str) -> None:
    _check_open(workshop, card)
    dot = (
        workshop.dots.filter(round=workshop.vote_round, voter=voter, card=card)
        .order_by("-slot")
        .first()
    )
    if dot is None:
        raise WriteRefused(_("You have no dot on this card."))
    dot.delete()
    Card.objects.filter(pk=card.pk, votes__gt=0).update(votes=F("votes") - 1)


def top_touchpoints(journey_map, count: int) -> list[Card]:
    """The `count` touchpoints with most dots, and any tied with the last of them."""
    ranked = [c for c in journey_map.ranked(Lane.TOUCHPOINT) if c.votes > 0]
    if len(ranked) <= count:
        return ranked
    cut = ranked[count - 1].votes
    return [c for c in ranked if c.votes >= cut]


def flag_top_as_mot(workshop: Workshop, count: int, by_name: str = "") -> None:
    """Flag each team's top touchpoints as MOTs (the facilitator's one action after a vote)."""
    for team in workshop.teams.select_related("journey_map"):
        top = [card.pk for card in top_touchpoints(team.journey_map, count)]
        newly = Card.objects.filter(pk__in=top, is_mot=False).select_related("stage", "journey_map")
        MotEvent.record(newly, flagged=True, how=MotEvent.How.VOTE, by_name=by_name)
        Card.objects.filter(pk__in=top).update(is_mot=True)
