"""Sorting a brainstorm (issue 15): moving a card to any cell, the unsorted area or another
lane (the rules are Card.move_to's), and merging duplicates into one card: the first chosen
stays, the others' texts are kept on it, and what hung from them (emotion cards, plans,
figures, MOT history, dots) follows it, or the merge is refused with what could not follow
named."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maps.forms import DirectionForm
from maps.models import (
    MAX_CARDS,
    ActionPlan,
    Card,
    EmotionCard,
    JourneyMap,
    Lane,
    MotEvent,
    OpportunityScore,
    Stage,
    TouchpointFigures,
)

MAX_MERGED = 20


class MergeRefused(ValidationError):
    pass


def merge_refusal(kept: Card, others: list[Card]) -> str:
    """Why these cannot be merged into `kept`, in words; empty when they can."""
    if not others:
        return _("Choose at least two cards to merge.")
    if len(others) >= MAX_MERGED:
        return _("Merge at most %(n)d cards at once.") % {"n": MAX_MERGED}
    if kept.pk in {card.pk for card in others}:
        return _("A card cannot be merged into itself.")
    for card in others:
        held = card.held_back_from(kept.lane)
        if held:
            return _("“%(card)s” holds what %(lane)s cannot: %(held)s.") % {
                "card": card.text[:40],
                "lane": kept.journey_map.lane_name(kept.lane),
                "held": ", ".join(held),
            }
    measured = TouchpointFigures.objects.filter(touchpoint__in=[kept, *others])
    if sum(not figures.is_empty for figures in measured) > 1:
        return _("More than one of these touchpoints has figures from the records: keep one.")
    return ""


def merge(kept: Card, others: list[Card]) -> Card:
    """`others` into `kept`, in one transaction. Dots are the workshop's: its action moves
    them first (Card.votes is summed here)."""
    refusal = merge_refusal(kept, others)
    if refusal:
        raise MergeRefused(refusal)
    with transaction.atomic():
        EmotionCard.all_objects.filter(touchpoint__in=others).update(
            touchpoint=kept, stage=kept.stage
        )
        ActionPlan.objects.filter(opportunity__in=others).update(opportunity=kept)
        MotEvent.objects.filter(touchpoint__in=others).update(touchpoint=kept)
        measured = TouchpointFigures.objects.filter(touchpoint__in=others)
        first = next((f for f in measured if not f.is_empty), None)
        if first is not None:  # the refusal made sure the kept card has none worth keeping
            TouchpointFigures.objects.filter(touchpoint=kept).delete()
            TouchpointFigures.objects.filter(pk=first.pk).update(touchpoint=kept)
        # Scores follow, but one per person: where someone scored the kept card too, that
        # score stands (the card they scored as it is now).
        scorers = set(OpportunityScore.objects.filter(card=kept).values_list("scorer", flat=True))
        moving = OpportunityScore.objects.filter(card__in=others).order_by("card_id", "pk")
        for score in moving:
            if score.scorer not in scorers:
                scorers.add(score.scorer)
                OpportunityScore.objects.filter(pk=score.pk).update(card=kept)
        kept.joined = [*kept.joined, *(text for c in others for text in [c.text, *c.joined])]
        kept.votes += sum(card.votes for card in others)
        kept.is_mot = kept.is_touchpoint and (kept.is_mot or any(c.is_mot for c in others))
        kept.version += 1
        Card.objects.filter(pk=kept.pk).update(
            joined=kept.joined, votes=kept.votes, is_mot=kept.is_mot, version=kept.version
        )
        for card in others:
            card.delete()  # its cell closes up; an empty figures row goes with it
    return kept


# Forms ---------------------------------------------------------------------------------------


class CardMoveForm(forms.Form):
    """Move by direction (keyboard), to a stage and position (drag and drop), to another lane
    (the end of that lane's cell in the same stage), or to a cell named "<stage>:<lane>"
    (sorting an unsorted card by keyboard). Lane UNSORTED is the unsorted area: no stage."""

    direction = forms.ChoiceField(
        required=False, choices=DirectionForm.base_fields["direction"].choices
    )
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), required=False)
    position = forms.IntegerField(required=False, min_value=0)
    lane = forms.ChoiceField(required=False)
    to = forms.RegexField(r"^\d{1,12}:[a-z_]{1,20}$", required=False)

    def __init__(self, *args, card: Card, **kwargs):
        super().__init__(*args, **kwargs)
        self.card = card
        self.fields["stage"].queryset = card.journey_map.stages.all()
        lanes = [*card.journey_map.lanes, Lane.UNSORTED]
        name = card.journey_map.lane_name
        self.fields["lane"].choices = [(lane.value, name(lane)) for lane in lanes]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        card = self.card
        if data.get("to"):
            stage_id, lane = data["to"].split(":")
            data["stage"] = card.journey_map.stages.filter(pk=stage_id).first()
            data["lane"] = lane
            if data["stage"] is None or lane not in card.journey_map.lanes:
                raise forms.ValidationError(_("That cell is not on this map."))
        direction = data.get("direction")
        if not (direction or data.get("lane") or data.get("position") is not None):
            raise forms.ValidationError(_("Say where the card goes."))
        if direction and data.get("lane") and data["lane"] != card.lane:
            raise forms.ValidationError(_("Move the card one step or to another lane, not both."))
        lane = data["lane"] = data.get("lane") or card.lane
        if lane == Lane.UNSORTED:
            data["stage"] = None
        elif data.get("stage") is None and not direction:
            # Another lane of the same stage (the card's lane menu).
            if card.stage is None:
                raise forms.ValidationError(_("Say which stage the card goes to."))
            data["stage"] = card.stage
        refusal = card.lane_change_refusal(lane)
        if refusal:
            raise forms.ValidationError(refusal)
        return data

    def target(self) -> tuple[Stage | None, int, str]:
        """The stage (None: the unsorted area), position and lane the card ends up at; with
        no position said, the end of the cell."""
        data, card = self.cleaned_data, self.card
        direction, lane = data.get("direction"), data["lane"]
        if not direction or lane != card.lane:
            position = data.get("position")
            return data["stage"], MAX_CARDS if position is None else position, lane
        if direction in ("up", "down"):
            return card.stage, max(0, card.position + (-1 if direction == "up" else 1)), lane
        stages = list(card.journey_map.stages.all())
        if card.stage is None:  # left and right mean nothing in the unsorted area
            return None, card.position, lane
        index = next(i for i, s in enumerate(stages) if s.pk == card.stage_id)
        index = max(0, min(len(stages) - 1, index + (-1 if direction == "left" else 1)))
        return stages[index], card.position, lane


class CardMergeForm(forms.Form):
    """Two or more cards of the map, merged into the first one chosen."""

    cards = forms.ModelMultipleChoiceField(queryset=Card.objects.none())

    def __init__(self, *args, journey_map: JourneyMap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cards"].queryset = journey_map.cards.select_related("stage")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        chosen = {card.pk: card for card in data["cards"]}
        # In the order they were chosen: the first one stays.
        order = dict.fromkeys(int(pk) for pk in self.data.getlist("cards"))
        cards = [chosen[pk] for pk in order]
        data["kept"], data["others"] = cards[0], cards[1:]
        refusal = merge_refusal(data["kept"], data["others"])
        if refusal:
            raise forms.ValidationError(refusal)
        return data
