"""Redis away for a while under a real daphne on the Redis layer: edits still save, each open
page is told live updates are paused (and re-reads the board on its own); when Redis is back
the page hears "resumed" and pushes flow again, without reloading anything."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from urllib.parse import urlsplit

import pytest
from asgiref.sync import sync_to_async

from maps.models import Card, JourneyMap
from tests.faults import Proxy
from tests.servers import Daphne
from tests.test_multiprocess import add_card_through, editor_session, socket_to  # noqa: F401

pytestmark = [pytest.mark.once, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def frame_of(socket, kind: str, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        if frame["type"] == kind:
            return frame


async def pinging_until(socket, kind: str, pings: int = 10):
    """Ping as the page does (the server checks the layer once per ping, one check at a
    time) until a frame of `kind` comes; that frame, or None."""
    for _ in range(pings):
        await socket.send(json.dumps({"type": "ping"}))
        try:
            return await frame_of(socket, kind, 4)
        except TimeoutError:
            continue
    return None


@pytest.fixture
def redis_behind_a_proxy(redis_url):
    proxy = Proxy(urlsplit(redis_url).port or 6379)
    url = f"redis://127.0.0.1:{proxy.port}/0"
    server = Daphne(redis_url=url, prefix=f"jm-outage-{uuid.uuid4().hex[:8]}", name="daphne-redis")
    server.start()
    yield server, proxy
    server.stop()
    proxy.close()
    assert "Traceback" not in server.log(), server.log()


async def test_pages_hear_paused_then_resumed_and_edits_save_throughout(
    redis_behind_a_proxy,
    editor_session,  # noqa: F811
):
    server, proxy = redis_behind_a_proxy
    journey_map = await sync_to_async(JourneyMap.objects.create_from_preset)(
        title="레디스", preset="funnel"
    )
    async with socket_to(server, journey_map, editor_session) as socket:
        await frame_of(socket, "welcome", 5)
        await socket.send(json.dumps({"type": "ping"}))
        await frame_of(socket, "pong", 5)

        proxy.cut()
        assert await pinging_until(socket, "paused"), server.log()
        # The edit is saved even though nobody can be told by push.
        await sync_to_async(add_card_through)(server, journey_map, editor_session, "끊긴 동안")
        assert await Card.objects.filter(text="끊긴 동안").acount() == 1

        proxy.restore()  # Redis clients reconnect on their own; each ping asks again
        assert await pinging_until(socket, "resumed"), server.log()
        # And pushes reach the page again.
        await sync_to_async(add_card_through)(server, journey_map, editor_session, "돌아온 뒤")
        push = await frame_of(socket, "push", 10)
        assert "돌아온 뒤" in push["html"]
