"""The workshop's state as every screen in it shows it: the current step, its instructions,
the clock, and whether the board is locked or the workshop closed.

It travels as one template (the room bar) through each team map's room, like any edit of the
map: the map's sequence number counts it, so a screen that missed it catches up from the
database the same way it does for cards. Used by the facilitation actions.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse

from workshops import broadcast, fragments, mine
from workshops.models import Workshop

ROOM_BAR = "workshops/room_bar.html"


def bar_html(workshop: Workshop, *, oob: bool) -> str:
    return render_to_string(
        ROOM_BAR, {"workshop": workshop, "oob": oob, "ready": ready_counts(workshop)}
    )


def ready_counts(workshop: Workshop) -> list[tuple[str, int, int]]:
    """(team, ready, people) for the step running now, in one query; nothing between steps."""
    if workshop.step_index is None or workshop.is_closed:
        return []
    here = Q(participants__removed_at=None)
    ready = here & Q(participants__ready_step=workshop.step_index)
    teams = workshop.teams.order_by("position", "id").annotate(
        people=Count("participants", filter=here), ready=Count("participants", filter=ready)
    )
    return [(team.name, team.ready, team.people) for team in teams if team.people]


def tell_every_team(
    workshop: Workshop,
    *,
    by: str = "",
    shared: tuple[list[str], dict] = ([], {}),
    **changed,
) -> None:
    """The new room bar, and what a facilitator's action changed on every team's map (cards
    revealed, votes reset, MOTs flagged; the parts as `fragments.render` names them);
    `shared` puts each person's own parts back into the state everyone has in common (see
    workshops/mine.py)."""
    bar = bar_html(workshop, oob=True)
    for team in workshop.teams.select_related("journey_map"):
        journey_map = team.journey_map
        html = bar + (fragments.render(journey_map, **changed) if changed else "")
        if shared[0]:
            html += mine.render(journey_map, *shared)
        broadcast.tell_room(journey_map, html, by=by)


def where_to(workshop: Workshop, team, where: str) -> str:
    """The page "bring everyone to `where`" opens for a member of `team`."""
    if where == "own":
        return team.journey_map.get_absolute_url()
    if where == "gallery":
        return reverse("workshops:gallery", args=[workshop.pk])
    return reverse("workshops:present", args=[workshop.pk, int(where.split(":")[1])])
