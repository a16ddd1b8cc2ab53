"""Writes on what sits on a map: cards, emotion cards, action plans, dots, private cards.

Each tells the map's room what changed, in as few parts as show it: a new card travels
alone (appended to its cell), a moved card sends its two cells, and only edits that can move
the emotion curve send the curve (its SVG weighs tens of KB).
"""

from __future__ import annotations

from django.utils.translation import gettext

from maps.curve import CurveData
from maps.models import (
    ActionPlan,
    Card,
    EmotionCard,
    JourneyMap,
    Lane,
    MotEvent,
    TouchpointFigures,
)
from workshops import fragments, undo, voting
from workshops.access import Author
from workshops.broadcast import Push, action, tell_room
from workshops.models import Undo, Workshop


def _sent_before(queryset, client_token):
    """The row a resent request (same client_token) created already, if any."""
    return queryset.filter(client_token=client_token).first() if client_token else None


# Cards ---------------------------------------------------------------------------------------


@action
def add_card(
    journey_map: JourneyMap,
    *,
    stage,  # None: the unsorted area
    lane: str,
    text: str,
    by: Author,
    channel: str = "",
    channel_other: str = "",
    is_direct: bool = True,
    client_token=None,
    private_to: str = "",
) -> tuple[Card, Push | None]:
    """A card at the end of its cell. No push while it is private (private writing); a resent
    add lands once and the sender gets its whole cell back."""
    card = _sent_before(Card.all_objects.filter(journey_map=journey_map), client_token)
    resent = card is not None
    if not resent:
        card = Card.objects.create(
            journey_map=journey_map,
            stage=stage,
            lane=lane,
            text=text,
            channel=channel,
            channel_other=channel_other,
            is_direct=is_direct,
            position=journey_map.cards.filter(stage=stage, lane=lane).count(),
            client_token=client_token,
            created_by=by.user,
            updated_by_name=by.name,
            private_to=private_to,
        )
    if card.private_to:
        return card, None
    if resent:  # by id: appending again would show the card twice
        return card, Push(fragments.render(journey_map, cells=[(card.stage_id, card.lane)]))
    # Only the new card travels, appended to its cell (pushes apply once, in order).
    html = fragments.render(journey_map, appended=[card], curve=card.feeds_insights)
    return card, tell_room(journey_map, html, by=by.name)


@action
def edit_card(card: Card, *, by: Author, **changes) -> Push:
    """New text (and touchpoint details); the version goes up, so a save made on the old one
    is refused as stale."""
    for name, value in changes.items():
        setattr(card, name, value)
    card.version += 1
    card.updated_by_name = by.name
    card.save()
    html = fragments.render(card.journey_map, cards=[card.pk], curve=card.feeds_insights)
    return tell_room(card.journey_map, html, by=by.name)


@action
def move_card(
    card: Card, stage, position: int, *, lane: str | None = None, by: Author
) -> tuple[Push, Undo]:
    """To another place in its cell, another stage or lane, or the unsorted area (`stage`
    None): the cells it left and joined go to the room, with the emotion cards and curve when
    a touchpoint moved, and the plans list when it carries plans. The mover may take it back."""
    old_stage, old_lane = card.stage_id, card.lane
    was_touchpoint, fed_insights = card.is_touchpoint, card.feeds_insights
    taken = undo.keep(card.journey_map, by, gettext("Card moved."), undo.moved_rows(card))
    card.move_to(stage, position, lane)
    undo.watch(taken, [card])
    touchpoint = was_touchpoint or card.is_touchpoint
    html = fragments.render(
        card.journey_map,
        cells=[(old_stage, old_lane), (card.stage_id, card.lane)],
        stages={old_stage, card.stage_id} if touchpoint else (),  # its emotion cards moved too
        plans=old_lane != card.lane and card.action_plans.exists(),
        curve=fed_insights or card.feeds_insights,
    )
    return tell_room(card.journey_map, html, by=by.name), taken


@action
def toggle_mot(card: Card, *, by: Author) -> Push:
    how = MotEvent.How.HAND
    if not card.is_mot:  # being flagged: was it one the curve offered?
        offered = CurveData.load(card.journey_map).mot_candidates()
        if any(c.touchpoint.id == card.pk for c in offered):
            how = MotEvent.How.CANDIDATE
    MotEvent.record([card], flagged=not card.is_mot, how=how, by_name=by.name)
    # Only the flag changes, so an open text editor on this card is not made stale.
    Card.objects.filter(pk=card.pk).update(is_mot=not card.is_mot)
    html = fragments.render(card.journey_map, cards=[card.pk], curve=True)
    return tell_room(card.journey_map, html, by=by.name)


@action
def delete_card(card: Card, *, by: Author) -> tuple[Push, Undo]:
    """The card and what hangs from it; its writer may take the delete back for a while."""
    journey_map = card.journey_map
    taken = undo.keep(journey_map, by, gettext("Card deleted."), undo.rows_of([card]))
    card.delete()
    html = fragments.render(
        journey_map,
        cells=[(card.stage_id, card.lane)],
        stages=[card.stage_id] if card.is_touchpoint else (),
        plans=card.lane == Lane.OPPORTUNITY,
        curve=card.feeds_insights,
    )
    return tell_room(journey_map, html, by=by.name), taken


@action
def edit_figures(card: Card, *, by: Author, **figures) -> Push:
    """What the records say about a touchpoint. The card shows them in a line, and the curve
    panel's touchpoint curve and insights read them: both go to the room."""
    row = TouchpointFigures.objects.filter(touchpoint=card).first() or TouchpointFigures(
        touchpoint=card, journey_map_id=card.journey_map_id
    )
    for name, value in figures.items():
        setattr(row, name, value)
    row.updated_by_name = by.name
    row.save()
    html = fragments.render(card.journey_map, cards=[card.pk], curve=True)
    return tell_room(card.journey_map, html, by=by.name)


@action
def apply_figures(journey_map: JourneyMap, rows: dict, *, by: Author) -> Push:
    """Figures for many touchpoints at once (a spreadsheet, checked and previewed): one
    transaction, one push of the touchpoints it changed and the curve, however many rows."""
    touchpoints = journey_map.cards.filter(lane=Lane.TOUCHPOINT, pk__in=[int(k) for k in rows])
    existing = {f.touchpoint_id: f for f in TouchpointFigures.objects.filter(
        touchpoint__in=touchpoints)}  # fmt: skip
    changed, new, fields = [], [], set()
    for touchpoint in touchpoints:
        row = existing.get(touchpoint.pk)
        if row is None:
            row = TouchpointFigures(touchpoint=touchpoint, journey_map=journey_map)
            new.append(row)
        else:
            changed.append(row)
        for name, value in rows[str(touchpoint.pk)].items():
            setattr(row, name, value)
            fields.add(name)
        row.updated_by_name = by.name
        row.clean_fields(exclude=["touchpoint", "journey_map"])
    TouchpointFigures.objects.bulk_update(changed, [*fields, "updated_by_name"], batch_size=500)
    TouchpointFigures.objects.bulk_create(new, batch_size=500)
    touched = [row.touchpoint_id for row in (*changed, *new)]
    html = fragments.render(journey_map, cards=touched, curve=True)
    return tell_room(journey_map, html, by=by.name)


# Emotion cards -------------------------------------------------------------------------------


def _emotion_parts(journey_map: JourneyMap, emotion: EmotionCard) -> str:
    cards = [emotion.touchpoint_id] if emotion.touchpoint_id else ()
    return fragments.render(journey_map, cards=cards, stages=[emotion.stage_id], curve=True)


@action
def add_emotion(
    journey_map: JourneyMap,
    *,
    score: int,
    by: Author,
    touchpoint=None,
    stage=None,
    words: str = "",
    client_token=None,
    private_to: str = "",
    anonymous: bool = False,
) -> tuple[EmotionCard, Push | None]:
    emotion = _sent_before(EmotionCard.all_objects.filter(journey_map=journey_map), client_token)
    resent = emotion is not None
    if not resent:
        known = not anonymous or by.anonymous_keeps_role
        emotion = EmotionCard.objects.create(
            journey_map=journey_map,
            touchpoint=touchpoint,
            stage=touchpoint.stage if touchpoint else stage,
            score=score,
            words=words,
            client_token=client_token,
            author=None if anonymous else by.user,
            author_name="" if anonymous else by.name,
            author_role=by.work_role if known else "",
            author_company=by.company if known else "",
            round=journey_map.scoring_round,
            private_to=private_to,
        )
    if emotion.private_to:
        return emotion, None
    html = _emotion_parts(journey_map, emotion)
    # Written without a name: the push does not say who either (it goes to every socket).
    told_by = "" if anonymous else by.name
    return emotion, Push(html) if resent else tell_room(journey_map, html, by=told_by)


@action
def delete_emotion(emotion: EmotionCard, *, by: Author) -> Push:
    journey_map = emotion.journey_map
    emotion.delete()
    return tell_room(journey_map, _emotion_parts(journey_map, emotion), by=by.name)


@action
def take_back(item: Card | EmotionCard) -> None:
    """One's own private card, before the reveal: nobody else has seen it, nobody is told."""
    item.delete()


# Dots ----------------------------------------------------------------------------------------


@action
def place_dot(workshop: Workshop, card: Card, *, by: Author) -> Push:
    voting.add_dot(workshop, card, by.key)
    return _dot_moved(workshop, card, by)


@action
def take_dot_back(workshop: Workshop, card: Card, *, by: Author) -> Push:
    voting.remove_dot(workshop, card, by.key)
    return _dot_moved(workshop, card, by)


def _dot_moved(workshop: Workshop, card: Card, by: Author) -> Push:
    # The count and the ranking only: replacing the card would remove the button just pressed.
    html = fragments.render(card.journey_map, votes=[card.pk], ranking=workshop.vote_lane)
    return tell_room(card.journey_map, html, by=by.name)


# Action plans --------------------------------------------------------------------------------


def _plan_parts(plan: ActionPlan) -> str:
    return fragments.render(plan.journey_map, cards=[plan.opportunity_id], plans=True)


@action
def add_plan(
    journey_map: JourneyMap,
    *,
    opportunity: Card,
    what: str,
    by: Author,
    owner: str = "",
    owner_email: str = "",
    due_date=None,
    status: str = ActionPlan.Status.TODO,
    client_token=None,
) -> tuple[ActionPlan, Push]:
    plan = _sent_before(journey_map.action_plans, client_token)
    if plan is not None:
        return plan, Push(_plan_parts(plan))
    plan = ActionPlan.objects.create(
        journey_map=journey_map,
        opportunity=opportunity,
        what=what,
        owner=owner,
        owner_email=owner_email,
        due_date=due_date,
        status=status,
        client_token=client_token,
    )
    return plan, tell_room(journey_map, _plan_parts(plan), by=by.name)


@action
def edit_plan(plan: ActionPlan, *, by: Author, **changes) -> Push:
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.save()
    return tell_room(plan.journey_map, _plan_parts(plan), by=by.name)


@action
def delete_plan(plan: ActionPlan, *, by: Author) -> Push:
    plan.delete()
    return tell_room(plan.journey_map, _plan_parts(plan), by=by.name)
