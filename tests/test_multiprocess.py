"""A room spans daphne processes: two real daphne processes sharing one Redis."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.test import Client

from maps.models import JourneyMap
from tests.servers import Daphne, Editor

# `once`: what spans processes is Redis; the database only answers the session lookup and
# the one edit, so the PostgreSQL pass (the production setup) runs these.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]


# Both channels-redis layers the settings offer: pub/sub (the default) and core.
@pytest.fixture(params=["pubsub", "core"])
def two_daphnes(redis_url, request):
    prefix = f"jm-test-{uuid.uuid4().hex[:8]}"
    servers = [
        Daphne(
            redis_url=redis_url,
            prefix=prefix,
            layer=request.param,
            name=f"daphne-{n}",
            # One session stands for the 300 people of the room test.
            env={"SOCKETS_PER_PERSON": "1000", "CONNECTS_PER_MINUTE": "100000"},
        )
        for n in "AB"
    ]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()
    for server in servers:
        assert "Traceback" not in server.log(), server.log()


@pytest.fixture
def editor_session(django_user_model):
    user = django_user_model.objects.create_user("multi", is_staff=True, first_name="다중")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def socket_to(server, journey_map, session):
    return websockets.connect(
        f"ws://127.0.0.1:{server.port}/ws/maps/{journey_map.pk}/",
        origin=server.url,
        additional_headers={"Cookie": f"sessionid={session}"},
    )


async def next_push(socket, timeout=5):
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        if frame["type"] == "push":
            return frame


async def quiet(socket, silence=2.0, limit=120):
    """Read until the socket has said nothing for `silence` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            await asyncio.wait_for(socket.recv(), silence)
        except TimeoutError:
            return
    raise AssertionError("the room never went quiet")


def add_card_through(server, journey_map, session, text):
    """A real HTTP edit through one process, with a CSRF token like a browser."""
    editor = Editor(server, session)
    editor.open_board(journey_map.pk)
    stage = journey_map.stages.first()
    status = editor.post(
        f"/maps/{journey_map.pk}/cards/add/", {"stage": stage.pk, "lane": "action", "text": text}
    )
    assert status == 200


@pytest.mark.asyncio
async def test_an_edit_through_one_process_reaches_a_client_of_the_other(
    two_daphnes, editor_session
):
    a, b = two_daphnes
    journey_map = await sync_to_async(JourneyMap.objects.create_from_preset)(
        title="다중 프로세스", preset="funnel"
    )
    async with (
        socket_to(a, journey_map, editor_session) as on_a,
        socket_to(b, journey_map, editor_session) as on_b,
    ):
        await asyncio.sleep(0.3)  # both have joined the group
        await sync_to_async(add_card_through)(a, journey_map, editor_session, "A에서 쓴 카드")
        push_b = await next_push(on_b)
        push_a = await next_push(on_a)
        assert push_a["seq"] == push_b["seq"]
        assert "A에서 쓴 카드" in push_b["html"]


# The default layer only, for the two slow ones (the core layer has the test above).
@pytest.mark.parametrize("two_daphnes", ["pubsub"], indirect=True)
@pytest.mark.asyncio
async def test_after_30_s_of_silence_the_next_edit_still_crosses(two_daphnes, editor_session):
    # Silence is normal in a workshop, and longer than daphne's 20-s keepalive ping.
    a, b = two_daphnes
    journey_map = await sync_to_async(JourneyMap.objects.create_from_preset)(
        title="조용한 방", preset="funnel"
    )
    async with socket_to(a, journey_map, editor_session) as on_a:
        await asyncio.sleep(30)
        await sync_to_async(add_card_through)(b, journey_map, editor_session, "30초 뒤의 카드")
        push = await next_push(on_a)
        assert "30초 뒤의 카드" in push["html"]


@pytest.mark.parametrize("two_daphnes", ["pubsub"], indirect=True)
@pytest.mark.asyncio
async def test_a_room_of_300_connecting_at_once_all_get_in_and_hear_an_edit(
    two_daphnes, editor_session
):
    journey_map = await sync_to_async(JourneyMap.objects.create_from_preset)(
        title="300명", preset="funnel"
    )

    async def join(n):
        socket = await socket_to(two_daphnes[n % 2], journey_map, editor_session)
        while json.loads(await asyncio.wait_for(socket.recv(), 30))["type"] != "welcome":
            pass
        return socket

    sockets = await asyncio.gather(*(join(n) for n in range(300)))
    try:
        assert len(sockets) == 300
        # Everyone hears everyone join (N² presence messages) before the first edit.
        started = time.monotonic()
        await asyncio.gather(*(quiet(s) for s in sockets))
        print(f"300 joins settled in {time.monotonic() - started:.1f} s")
        await sync_to_async(add_card_through)(
            two_daphnes[0], journey_map, editor_session, "모두에게"
        )
        pushes = await asyncio.gather(*(next_push(s, timeout=30) for s in sockets))
        assert {p["seq"] for p in pushes} == {pushes[0]["seq"]}
        assert all("모두에게" in p["html"] for p in pushes)
    finally:
        await asyncio.gather(*(s.close() for s in sockets))
