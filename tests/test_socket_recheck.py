"""Open sockets follow access as it changes: logging out, a rotated read-only link, or any
access that ended without a push (found by the periodic re-check) closes them within seconds."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from tests.test_workshop_sockets import ORIGIN, connect, cookie_of, make_world, receive
from workshops.models import Participant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def closed_with(communicator, timeout=5) -> int:
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output["code"]


async def test_logging_out_closes_that_person_s_sockets(django_user_model):
    _workshop, team_map, clients = await make_world(django_user_model)
    facilitator = clients["facilitator"]
    communicator, connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(facilitator)])
    assert connected
    await receive(communicator, "welcome")
    other, other_connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["team_a"])])
    assert other_connected
    response = await sync_to_async(facilitator.post)("/logout/")
    assert response.status_code == 302
    assert (await receive(communicator, "error"))["reason"] == "access ended"
    assert await closed_with(communicator) == 4403
    # The others stay.
    await other.send_to(text_data=json.dumps({"type": "ping"}))
    await receive(other, "pong")
    await other.disconnect()


async def test_a_rotated_read_only_link_ends_access_at_once(django_user_model):
    workshop, team_map, clients = await make_world(django_user_model)
    viewer = clients["viewer"]
    communicator, connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(viewer)])
    assert connected
    await receive(communicator, "welcome")
    old = workshop.view_token
    url = f"/workshops/{workshop.pk}/control/rotate-view/"
    assert (await sync_to_async(clients["facilitator"].post)(url)).status_code == 302
    assert await closed_with(communicator) == 4403
    board = f"/maps/{team_map.pk}/"
    assert (await sync_to_async(viewer.get)(board)).status_code == 404
    assert (await sync_to_async(Client().get)(f"/v/{old}/")).status_code == 404
    await sync_to_async(workshop.refresh_from_db)()
    fresh = Client()
    assert (await sync_to_async(fresh.get)(f"/v/{workshop.view_token}/")).status_code == 302
    assert (await sync_to_async(fresh.get)(board)).status_code == 200


async def test_a_rotated_map_link_ends_access_at_once(django_user_model):
    _workshop, team_map, clients = await make_world(django_user_model)
    viewer = clients["map_viewer_a"]
    communicator, connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(viewer)])
    assert connected
    await receive(communicator, "welcome")
    url = f"/maps/{team_map.pk}/share/rotate/"
    assert (await sync_to_async(clients["facilitator"].post)(url)).status_code == 302
    assert await closed_with(communicator) == 4403
    assert (await sync_to_async(viewer.get)(f"/maps/{team_map.pk}/")).status_code == 404


async def test_the_periodic_check_finds_access_that_ended_without_a_push(
    django_user_model, settings
):
    settings.SOCKET_RECHECK_SECONDS = 0.3
    _workshop, team_map, clients = await make_world(django_user_model)
    member = clients["team_a"]
    staying, _, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["facilitator"])])
    communicator, connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(member)])
    assert connected
    await receive(communicator, "welcome")
    # Removed behind the app's back (say, in the database): no kick is sent.
    await Participant.objects.filter(display_name="에이").aupdate(removed_at="2026-01-01T00:00Z")
    assert await closed_with(communicator, timeout=3) == 4403
    # A socket whose access holds is re-checked as often and stays.
    await staying.send_to(text_data=json.dumps({"type": "ping"}))
    await receive(staying, "pong")
    await staying.disconnect()
