"""A socket that goes silent without a close (a laptop lid shut, Wi-Fi gone) is dropped by
daphne's keepalive ping, and everyone else sees that person leave."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.test import Client

from maps.models import JourneyMap
from tests.servers import Daphne

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quick_ping_daphne():
    # Production keeps daphne's defaults (ping after 20 s idle, drop 30 s later); the same
    # mechanism with 1 s and 2 s keeps the test short.
    server = Daphne(name="half-open", args=("--ping-interval", "1", "--ping-timeout", "2"))
    server.start()
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


def sessions(django_user_model) -> list[str]:
    keys = []
    for name in ("열린", "닫힌"):
        user = django_user_model.objects.create_user(name, is_staff=True, first_name=name)
        client = Client()
        client.force_login(user)
        keys.append(client.cookies["sessionid"].value)
    return keys


async def frames_until(socket, predicate, timeout):
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        if predicate(frame):
            return frame


def change(event: str, member_id: str):
    """A presence batch that says `member_id` did `event`."""

    def found(frame):
        changes = frame.get("events", []) if frame.get("event") == "batch" else []
        return any(c["event"] == event and c["member"]["id"] == member_id for c in changes)

    return found


def knows(member_id: str):
    """A roster holding `member_id`, or a batch in which they join."""

    def found(frame):
        if frame.get("event") == "roster":
            return any(m["id"] == member_id for m in frame["members"])
        return change("join", member_id)(frame)

    return found


def member_in(frame, member_id: str) -> dict:
    return next(c["member"] for c in frame["events"] if c["member"]["id"] == member_id)


@pytest.mark.asyncio
async def test_a_half_open_socket_is_dropped_and_leaves_presence(
    quick_ping_daphne, django_user_model
):
    journey_map = await sync_to_async(JourneyMap.objects.create_from_preset)(
        title="반쯤 열린 소켓", preset="funnel"
    )
    awake_key, asleep_key = await sync_to_async(sessions)(django_user_model)

    def connect(key):
        return websockets.connect(
            f"ws://127.0.0.1:{quick_ping_daphne.port}/ws/maps/{journey_map.pk}/",
            origin=quick_ping_daphne.url,
            additional_headers={"Cookie": f"sessionid={key}"},
            ping_interval=None,  # the client's own keepalive stays out of it
        )

    async with connect(awake_key) as awake, connect(asleep_key) as asleep:
        welcome = await frames_until(asleep, lambda f: f["type"] == "welcome", 5)
        asleep_id = welcome["member"]["id"]
        await frames_until(awake, knows(asleep_id), 5)
        # The sleeping laptop stops reading: no close frame, no pong, the TCP stays up.
        asleep.transport.pause_reading()
        started = time.monotonic()

        async def keep_answering():
            while True:  # the awake client answers pings by reading, as a browser does
                await asyncio.sleep(0.5)
                await awake.send(json.dumps({"type": "ping"}))

        answering = asyncio.create_task(keep_answering())
        try:
            left = await frames_until(awake, change("leave", asleep_id), 15)
        finally:
            answering.cancel()
        assert member_in(left, asleep_id)["id"] == asleep_id
        print(f"half-open socket left presence after {time.monotonic() - started:.1f} s")
        # The awake socket is unaffected.
        await awake.send(json.dumps({"type": "ping"}))
        assert await frames_until(awake, lambda f: f["type"] == "pong", 5)
