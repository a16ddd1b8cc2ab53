"""Writes of the facilitator and of joining: the workshop and its agenda, the clock, the room
controls, private writing and dot votes, and the people in it.

A change of the workshop's state goes to every team's room as the new room bar (with what it
changed on the maps, if anything), counted in each map's sequence like any edit.
"""

from __future__ import annotations

import datetime

from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from maps.models import JourneyMap, Lane
from workshops import agenda as agendas
from workshops import broadcast, room, voting
from workshops.access import Author
from workshops.broadcast import action
from workshops.mine import DOTS_LEFT, PRIVATE_CARDS, READY
from workshops.models import AgendaStep, AgendaTemplate, Participant, Team, Workshop


@action
def create_workshop(
    *,
    title: str,
    date: datetime.date,
    teams: list[str],
    preset: str,
    agenda: list[dict] | None = None,
    source: dict | None = None,
    map_type: str = "",
    continues: int | None = None,
    by: Author,
) -> Workshop:
    return Workshop.create(
        title=title,
        date=date,
        teams=teams,
        preset=preset,
        agenda=agenda,
        source=source,
        map_type=map_type,
        continues=continues,
        facilitator=by.user,
    )


def _tell(workshop: Workshop, by: Author, **changed) -> None:
    room.tell_every_team(workshop, by=by.name, **changed)


# The clock and the agenda ---------------------------------------------------------------------


@action
def start_clock(workshop: Workshop, *, by: Author) -> None:
    workshop.start()
    _tell(workshop, by, shared=([READY], {"ready": False}))


@action
def pause_clock(workshop: Workshop, *, by: Author) -> None:
    workshop.pause()
    _tell(workshop, by)


@action
def resume_clock(workshop: Workshop, *, by: Author) -> None:
    workshop.resume()
    _tell(workshop, by)


@action
def extend_clock(workshop: Workshop, *, minutes: int, by: Author) -> None:
    workshop.extend(minutes)
    _tell(workshop, by)


@action
def go_to_step(workshop: Workshop, *, index: int, by: Author) -> None:
    workshop.go_to_step(index)
    # Nobody is done with a step that has just begun: every "다 했어요" button resets.
    _tell(workshop, by, shared=([READY], {"ready": False}))


@action
def set_ready(participant: Participant, *, ready: bool) -> None:
    """A participant is done with the step running now (or takes it back); every room bar
    shows the counts per team."""
    workshop = participant.workshop
    participant.ready_step = workshop.step_index if ready else None
    participant.save(update_fields=["ready_step"])
    room.tell_every_team(workshop, by=participant.display_name)


@action
def edit_step(step: AgendaStep, *, by: Author, **changes) -> None:
    """A step's title, minutes, instructions or open areas; screens follow if it is the
    current one."""
    for name, value in changes.items():
        setattr(step, name, value)
    step.save()
    workshop = Workshop.objects.prefetch_related("steps").get(pk=step.workshop_id)
    if step.position == workshop.step_index:
        _tell(workshop, by)


@action
def add_step(workshop: Workshop, *, by: Author, **step) -> AgendaStep:
    """A step at the end of the agenda; every room bar counts it ("Step 2 of 5")."""
    added = agendas.add_step(workshop, step)
    _tell(workshop, by)
    return added


@action
def remove_step(workshop: Workshop, step: AgendaStep, *, by: Author) -> None:
    """Refused (agendas.AgendaRefusal) for the step running now and the last one left."""
    agendas.remove_step(workshop, step)
    _tell(workshop, by)


@action
def move_step(workshop: Workshop, step: AgendaStep, *, offset: int, by: Author) -> None:
    agendas.move_step(workshop, step, offset)
    _tell(workshop, by)


@action
def save_agenda(workshop: Workshop, *, name: str, by: Author) -> AgendaTemplate:
    """The workshop's agenda as a template new workshops can start from."""
    return agendas.save_template(workshop, name=name, by=by.user)


@action
def delete_agenda(template: AgendaTemplate) -> None:
    template.delete()


# The room -------------------------------------------------------------------------------------


@action
def lock_board(workshop: Workshop, *, locked: bool, by: Author) -> None:
    workshop.locked = locked
    workshop.save(update_fields=["locked"])
    _tell(workshop, by)


@action
def close_workshop(workshop: Workshop, *, by: Author) -> None:
    workshop.pause()
    workshop.closed_at = timezone.now()
    workshop.save(update_fields=["closed_at"])
    _tell(workshop, by)


@action
def reopen_workshop(workshop: Workshop, *, by: Author) -> None:
    workshop.closed_at = None
    workshop.save(update_fields=["closed_at"])
    _tell(workshop, by)


@action
def open_gallery(workshop: Workshop, *, is_open: bool, by: Author) -> None:
    workshop.gallery_open = is_open
    workshop.save(update_fields=["gallery_open"])
    _tell(workshop, by)
    if not is_open:  # guests in other teams' rooms leave them now, not at the next re-check
        for team in workshop.teams.all():
            broadcast.recheck_room(team.journey_map_id)


@action
def bring_everyone(workshop: Workshop, *, where: str, by: Author) -> None:
    """Every participant's screen goes to their own map, the gallery, or one team's map in
    presentation. Screens that miss the message stay where they are."""
    for team in workshop.teams.select_related("journey_map"):
        broadcast.move_everyone(team.journey_map_id, room.where_to(workshop, team, where))
    _tell(workshop, by)


# Private writing and dot votes: each changes cards on every team's map -----------------------


@action
def start_private_writing(
    workshop: Workshop, *, areas: list[str], anonymous: bool = False, by: Author
) -> None:
    """`anonymous`: emotion cards written privately now never show or export a name."""
    workshop.start_private_writing(areas, anonymous=anonymous)
    empty = {"private": {"cards": [], "emotions": [], "count": 0}}
    _tell(workshop, by, shared=([PRIVATE_CARDS], empty))


@action
def reveal(workshop: Workshop, *, by: Author) -> None:
    workshop.reveal()
    _tell(workshop, by, grid=True, plans=True, shared=([PRIVATE_CARDS], {}))


@action
def open_vote(workshop: Workshop, *, lane: str, dots: int, by: Author) -> None:
    workshop.open_vote(lane, dots)
    _tell(workshop, by, grid=True, ranking=lane, shared=([DOTS_LEFT], {"dots_left": dots}))


@action
def close_vote(workshop: Workshop, *, by: Author) -> None:
    workshop.close_vote()
    # The grid again: a card's count stays shown after the vote only if it got dots.
    _tell(workshop, by, grid=True, shared=([DOTS_LEFT], {}))


@action
def flag_top_as_mot(workshop: Workshop, *, count: int, by: Author) -> None:
    voting.flag_top_as_mot(workshop, count, by_name=by.name)
    _tell(workshop, by, grid=True, ranking=Lane.TOUCHPOINT)


@action
def hide_scores(workshop: Workshop, *, hidden: bool, by: Author) -> None:
    """Opportunity scores given privately (each sees only their own) until they are revealed:
    every team's cards and ranking follow."""
    JourneyMap.objects.filter(team__workshop=workshop).update(scores_hidden=hidden)
    _tell(workshop, by, grid=True, priorities=True)


# Felt by whom ---------------------------------------------------------------------------------


@action
def open_scoring_round(workshop: Workshop, *, by: Author) -> None:
    """After the discussion, everyone scores again: cards written now replace the round
    before on the touchpoint (or stage) they are written on; the earlier ones stay, marked."""
    workshop.scoring_round += 1
    workshop.save(update_fields=["scoring_round"])
    # A map reviewed on its own may be further along: never back to an older round.
    JourneyMap.objects.filter(team__workshop=workshop).update(
        scoring_round=Greatest(F("scoring_round") + 1, workshop.scoring_round)
    )
    _tell(workshop, by)


@action
def set_perspectives(
    workshop: Workshop, *, anonymous_keeps_role: bool, show_room_mean: bool, by: Author
) -> None:
    workshop.anonymous_keeps_role = anonymous_keeps_role
    workshop.show_room_mean = show_room_mean
    workshop.save(update_fields=["anonymous_keeps_role", "show_room_mean"])
    _tell(workshop, by, curve=True)


# Links and people ------------------------------------------------------------------------------


@action
def rotate_join(workshop: Workshop) -> None:
    """New link and code: the old ones stop working; people already in stay in."""
    workshop.rotate_join()


@action
def rotate_calendar(workshop: Workshop) -> None:
    """A new calendar address: calendars subscribed to the old one stop updating."""
    workshop.calendar(rotate=True)


@action
def rotate_view(workshop: Workshop) -> None:
    """A new read-only link: whoever opened the old one loses access, open sockets too."""
    workshop.rotate_view()
    for team in workshop.teams.all():
        broadcast.recheck_room(team.journey_map_id)


@action
def join(
    workshop: Workshop,
    *,
    display_name: str,
    organisation: str = "",
    role: str = "",
    team: Team | None = None,
) -> Participant:
    """Someone joins without an account; nobody chose a team: the one with fewest people."""
    team = team or min(
        workshop.teams.all(),
        key=lambda t: (t.participants.filter(removed_at=None).count(), t.position),
    )
    return Participant.objects.create(
        workshop=workshop,
        team=team,
        display_name=display_name,
        organisation=organisation,
        role=role,
    )


@action
def remove_participant(participant: Participant) -> None:
    """Their session then reads as nobody's, and their open sockets close."""
    participant.removed_at = timezone.now()
    participant.save(update_fields=["removed_at"])
    broadcast.kick(participant.pk)
