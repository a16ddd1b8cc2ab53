"""The workshop's state as every screen in it shows it: the current step, its instructions,
the clock, and whether the board is locked or the workshop closed.

It travels as one partial (the room bar) through each team map's room, like any edit of the
map: the map's sequence number counts it, so a screen that missed it catches up from the
database the same way it does for cards.
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from maps import fragments
from workshops import broadcast, mine
from workshops.models import Workshop

ROOM = "workshops/room.html"


def bar_html(request, workshop: Workshop, *, oob: bool) -> str:
    context = {"workshop": workshop, "oob": oob}
    return render_to_string(f"{ROOM}#room_bar", context, request)


def push_state(request, workshop: Workshop, *, by: str = "") -> None:
    """After a facilitator's change: every team's screens get the new bar (on commit)."""
    html = bar_html(request, workshop, oob=True)
    for team in workshop.teams.select_related("journey_map"):
        broadcast.map_changed(team.journey_map, html, by=by)


def push_board(
    request,
    workshop: Workshop,
    *,
    by: str = "",
    shared: tuple[list[str], dict] = ([], {}),
    **changed,
) -> None:
    """The new room bar and what a facilitator's action changed on every team's map (cards
    revealed, votes reset, MOTs flagged); `shared` puts each person's own parts back into the
    state everyone has in common (see workshops/mine.py)."""
    bar = bar_html(request, workshop, oob=True)
    for team in workshop.teams.select_related("journey_map"):
        journey_map = team.journey_map
        html = bar + fragments.render(request, journey_map, **changed)
        if shared[0]:
            html += mine.render(request, journey_map, *shared)
        broadcast.map_changed(journey_map, html, by=by)


def send_everyone(workshop: Workshop, where: str) -> None:
    """Move every participant's screen: to their own team's map, the gallery, or one team's
    map in presentation. Pushed after commit; screens that miss it stay where they are."""
    teams = list(workshop.teams.all())
    for team in teams:
        if where == "own":
            url = reverse("maps:board", args=[team.journey_map_id])
        elif where == "gallery":
            url = reverse("workshops:gallery", args=[workshop.pk])
        else:
            url = reverse("workshops:present", args=[workshop.pk, int(where.split(":")[1])])
        message = {"type": "room.go", "url": url}
        transaction.on_commit(
            lambda map_id=team.journey_map_id, m=message: broadcast.send(map_id, m)
        )
