"""Who may open a team map's socket, and removing a participant closes theirs."""

from __future__ import annotations

import datetime
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from journeymap.asgi import application
from maps.models import Lane
from workshops.models import Participant, Workshop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://localhost")


def cookie_of(client: Client) -> tuple[bytes, bytes]:
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


@sync_to_async
def make_world(django_user_model):
    editor = django_user_model.objects.create_user("fac", is_staff=True, first_name="진행자")
    workshop = Workshop.create(
        title="소켓", date=datetime.date.today(), teams=["팀 A", "팀 B"], preset="funnel",
        facilitator=editor,
    )  # fmt: skip
    other = Workshop.create(
        title="다른", date=datetime.date.today(), teams=["팀 C"], preset="funnel",
        facilitator=editor,
    )  # fmt: skip

    def joined(w, team, name):
        client = Client()
        team = w.teams.get(name=team)
        client.post(f"/j/{w.join_token}/", {"display_name": name, "team": team.pk})
        return client

    facilitator = Client()
    facilitator.force_login(editor)
    viewer = Client()
    viewer.get(f"/v/{workshop.view_token}/")
    team_a, team_b = workshop.teams.all()
    map_viewer_a, map_viewer_b = Client(), Client()
    map_viewer_a.get(f"/v/m/{team_a.journey_map.view_token}/")
    map_viewer_b.get(f"/v/m/{team_b.journey_map.view_token}/")
    clients = {
        "map_viewer_a": map_viewer_a,
        "map_viewer_b": map_viewer_b,
        "facilitator": facilitator,
        "team_a": joined(workshop, "팀 A", "에이"),
        "team_b": joined(workshop, "팀 B", "비"),
        "other_workshop": joined(other, "팀 C", "씨"),
        "viewer": viewer,
    }
    return workshop, workshop.teams.get(name="팀 A").journey_map, clients


async def connect(map_id, headers):
    communicator = WebsocketCommunicator(application, f"/ws/maps/{map_id}/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def receive(communicator, kind, timeout=3):
    while True:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        if frame["type"] == kind:
            return frame


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("facilitator", True),
        ("team_a", True),
        ("viewer", True),
        ("map_viewer_a", True),
        ("map_viewer_b", False),
        ("team_b", False),
        ("other_workshop", False),
        ("anonymous", False),
    ],
)
async def test_who_may_open_team_a_s_socket(django_user_model, role, allowed):
    _workshop, team_map, clients = await make_world(django_user_model)
    headers = [ORIGIN] if role == "anonymous" else [ORIGIN, cookie_of(clients[role])]
    communicator, connected, code = await connect(team_map.pk, headers)
    assert connected is allowed
    if allowed:
        welcome = await receive(communicator, "welcome")
        expected = {"team_a": "에이", "facilitator": "진행자"}.get(role)
        if expected:
            assert welcome["member"]["name"] == expected
        await communicator.disconnect()
    else:
        assert code == 4403


async def test_a_removed_participant_s_socket_closes_and_their_writes_are_refused(
    django_user_model,
):
    workshop, team_map, clients = await make_world(django_user_model)
    member = clients["team_a"]
    communicator, connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(member)])
    assert connected
    await receive(communicator, "welcome")
    participant = await Participant.objects.aget(display_name="에이")
    url = reverse("workshops:participant-remove", args=[workshop.pk, participant.pk])
    response = await sync_to_async(clients["facilitator"].post)(url)
    assert response.status_code == 302
    error = await receive(communicator, "error")
    assert "removed" in error["reason"]
    while (output := await communicator.receive_output(timeout=3))["type"] != "websocket.close":
        pass
    assert output["code"] == 4403

    stage = await team_map.stages.afirst()
    before = await team_map.cards.acount()
    response = await sync_to_async(member.post)(
        reverse("maps:card-add", args=[team_map.pk]),
        {"stage": stage.pk, "lane": Lane.ACTION, "text": "제거된 뒤"},
    )
    assert response.status_code == 410  # told they were removed (tests/test_console_overview.py)
    assert await team_map.cards.acount() == before
    # And the socket cannot come back.
    _c, connected, code = await connect(team_map.pk, [ORIGIN, cookie_of(member)])
    assert not connected and code == 4403
