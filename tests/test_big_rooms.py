"""A whole workshop in one room: a join storm loses no push and raises no false "paused", a
full socket queue is never a silent loss, and a killed server's sockets stop counting."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from tests.test_workshop_sockets import ORIGIN, connect, cookie_of, make_world
from workshops import broadcast, ratelimit
from workshops.memory_layer import MemoryLayer


async def drain(communicator, quiet=0.5) -> list[dict]:
    frames = []
    while not await communicator.receive_nothing(timeout=quiet):
        frames.append(json.loads(await communicator.receive_from()))
    return frames


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_push_during_a_join_storm_reaches_every_open_socket(django_user_model, settings):
    settings.SOCKETS_PER_PERSON = 1000
    settings.CONNECTS_PER_MINUTE = 1000
    _workshop, team_map, clients = await make_world(django_user_model)
    headers = [ORIGIN, cookie_of(clients["facilitator"])]
    first = await asyncio.gather(*(connect(team_map.pk, headers) for _ in range(75)))
    # The next 75 join while the push goes out.
    storm = asyncio.gather(*(connect(team_map.pk, headers) for _ in range(75)))
    await asyncio.sleep(0)
    await sync_to_async(broadcast.send)(
        team_map.pk, {"type": "room.push", "seq": 1, "html": "<p>폭풍 속</p>", "by": "x"}
    )
    second = await storm
    await sync_to_async(broadcast.send)(
        team_map.pk, {"type": "room.push", "seq": 2, "html": "<p>폭풍 뒤</p>", "by": "x"}
    )
    sockets = [c for c, connected, _ in first + second if connected]
    assert len(sockets) == 150
    heard = await asyncio.gather(*(drain(c, quiet=1.5) for c in sockets))
    for frames in heard[:75]:  # in the room before the storm: both pushes
        assert [f["seq"] for f in frames if f["type"] == "push"] == [1, 2]
    for frames in heard:
        assert any(f["type"] == "push" and f["seq"] == 2 for f in frames)
        assert not [f for f in frames if f["type"] in ("paused", "error", "resync")]
    for communicator in sockets:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_push_crosses_the_layer_once_per_process_not_once_per_socket(
    django_user_model, settings
):
    from channels.layers import get_channel_layer

    settings.SOCKETS_PER_PERSON = 1000
    settings.CONNECTS_PER_MINUTE = 1000
    _workshop, team_map, clients = await make_world(django_user_model)
    headers = [ORIGIN, cookie_of(clients["facilitator"])]
    opened = await asyncio.gather(*(connect(team_map.pk, headers) for _ in range(50)))
    sockets = [c for c, connected, _ in opened if connected]
    assert len(sockets) == 50
    # The room's group holds this process's feed alone, not the 50 sockets.
    assert len(get_channel_layer().groups[broadcast.room_group(team_map.pk)]) == 1
    await sync_to_async(broadcast.send)(
        team_map.pk, {"type": "room.push", "seq": 1, "html": "<p>모두에게</p>", "by": "x"}
    )
    heard = await asyncio.gather(*(drain(c) for c in sockets))
    for frames in heard:
        assert [f["html"] for f in frames if f["type"] == "push"] == ["<p>모두에게</p>"]
    for communicator in sockets:
        await communicator.disconnect()
    assert not get_channel_layer().groups.get(broadcast.room_group(team_map.pk))


@pytest.mark.asyncio
async def test_a_full_socket_queue_turns_its_pushes_into_one_re_read():
    layer = MemoryLayer(capacity=3)
    await layer.group_add("map.1", "specific.a")
    await layer.send("specific.a", {"type": "room.recheck"})
    for seq in range(1, 6):
        await layer.group_send("map.1", {"type": "room.push", "seq": seq, "html": ""})
    received = [(await layer.receive("specific.a"))["type"] for _ in range(2)]
    # The re-check is kept; the pushes that did not fit became one re-read (no silent loss).
    assert received[0] == "room.recheck" and "room.reread" in received


@pytest.mark.django_db(transaction=True)
def test_a_killed_servers_sockets_stop_counting(django_user_model, redis_url):
    import websockets.sync.client
    from django.core.cache.backends.redis import RedisCache

    from maps.models import JourneyMap
    from tests.servers import Daphne

    journey_map = JourneyMap.objects.create_from_preset(title="여러 탭", preset="funnel")
    user = django_user_model.objects.create_user("tabs", is_staff=True)
    client = Client()
    client.force_login(user)
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    prefix = f"test-kill-{time.time_ns()}"
    env = {"SOCKET_RECHECK_SECONDS": "1", "SOCKETS_PER_PERSON": "4"}
    first = Daphne(name="daphne-killed", redis_url=redis_url, prefix=prefix, env=env).start()
    second = Daphne(name="daphne-survivor", redis_url=redis_url, prefix=prefix, env=env).start()
    counted = ratelimit.OpenSockets(f"u{user.pk}", ttl=4)
    counted.key = RedisCache(redis_url, {"KEY_PREFIX": prefix}).make_key(f"sockets:u{user.pk}")
    redis = RedisCache(redis_url, {})._cache.get_client(counted.key, write=True)

    opened = contextlib.ExitStack()

    def open_socket(server):
        socket = opened.enter_context(
            websockets.sync.client.connect(
                f"ws://127.0.0.1:{server.port}/ws/maps/{journey_map.pk}/",
                origin=server.url,
                additional_headers=cookie,
            )
        )
        while json.loads(socket.recv(timeout=5))["type"] != "welcome":
            pass
        return socket

    def count():
        return redis.zcount(counted.key, time.time(), "+inf")

    try:
        [open_socket(first) for _ in range(3)]
        open_socket(second)
        assert count() == 4
        os.kill(first.process.pid, signal.SIGKILL)  # no close, no clean-up
        first.process.wait(10)
        time.sleep(6)  # past the entries' four seconds; the survivor keeps saying it is open
        assert count() == 1
        [open_socket(second) for _ in range(3)]  # the limit of 4 is free again
        assert count() == 4
    finally:
        with contextlib.suppress(Exception):
            opened.close()
        first.stop()
        second.stop()
    assert "Traceback" not in second.log(), second.log()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_socket_access_checks_do_not_run_on_the_thread_sockets_share(
    django_user_model, monkeypatch
):
    """The one thread every socket's ORM calls run on (asgiref's thread-sensitive executor)
    never runs a socket's access check: a join storm does not queue in front of the room."""
    import threading

    from workshops import access

    shared = await sync_to_async(threading.get_ident)()  # where views run
    seen = []
    real = access.member_for_socket

    def spy(*args):
        seen.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(access, "member_for_socket", spy)
    _workshop, team_map, clients = await make_world(django_user_model)
    communicator, connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["team_a"])])
    assert connected
    await communicator.disconnect()
    assert seen and shared not in seen
