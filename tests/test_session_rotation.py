"""A browser gets a new session id whenever it gains rights, as logging in does: joining a
workshop, opening a read-only link. An id planted or read before grants nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def session_id(client: Client) -> str:
    return client.cookies["sessionid"].value


def test_joining_gives_the_browser_a_new_session(workshop):
    client = Client()
    session = client.session  # a session exists before joining (say, one planted)
    session["planted"] = True
    session.save()
    before = session.session_key
    team = workshop.teams.first()
    response = client.post(
        reverse("workshops:join", args=[workshop.join_token]),
        {"display_name": "참가자", "team": team.pk},
    )
    assert response.status_code == 302
    assert session_id(client) != before
    # The old id no longer opens the team's map.
    stale = Client()
    stale.cookies["sessionid"] = before
    assert stale.get(team.journey_map.get_absolute_url()).status_code in (302, 404)
    assert client.get(team.journey_map.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("link", ["workshop", "map"])
def test_opening_a_read_only_link_gives_the_browser_a_new_session(workshop, link):
    team_map = workshop.teams.first().journey_map
    client = Client()
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key
    url = (
        reverse("workshops:view", args=[workshop.view_token])
        if link == "workshop"
        else reverse("workshops:map-view", args=[team_map.view_token])
    )
    assert client.get(url).status_code == 302
    assert session_id(client) != before
    stale = Client()
    stale.cookies["sessionid"] = before
    assert stale.get(team_map.get_absolute_url()).status_code in (302, 404)
