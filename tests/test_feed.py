"""A room's feed in one process (workshops/feed.py): what it holds for a socket not yet live
or busy acting on a room message, what it does when a socket never gets going, and that it
outlives what goes wrong."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.test_workshop_sockets import ORIGIN, connect, cookie_of, make_world
from workshops import feed as feeds
from workshops.feed import feed_for
from workshops.memory_layer import MemoryLayer


class Socket:
    """What the feed needs of a socket: `base_send`, and `dispatch` for room messages."""

    def __init__(self, sent: list):
        self.sent = sent
        self.acting = asyncio.Event()
        self.acting.set()
        self.acted: list[str] = []

    async def base_send(self, message):
        self.sent.append(json.loads(message["text"]))

    async def dispatch(self, message):
        await self.acting.wait()
        self.acted.append(message["type"])


async def until(condition, seconds=2.0):
    for _ in range(int(seconds * 100)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not within the time")


def push(seq: int) -> dict:
    return {"type": "room.push", "seq": seq, "html": f"<p>{seq}</p>", "by": ""}


@pytest.mark.asyncio
async def test_what_the_room_hears_before_a_sockets_welcome_is_held_not_lost():
    layer = MemoryLayer()
    early, late = Socket([]), Socket([])
    feed = feed_for(7, layer)
    await feed.join(early)
    await feed.ready(early)
    await feed.join(late)  # accepted, but its welcome is not out yet
    await layer.group_send("map.7", push(4))
    await layer.group_send("map.7", {"type": "room.go", "url": "/gallery/"})
    await layer.group_send("map.7", {"type": "room.recheck"})
    await until(lambda: len(early.sent) == 2 and early.acted)
    assert [f["type"] for f in early.sent] == ["push", "go"]
    assert late.sent == [] and late.acted == []  # nothing before its welcome
    await feed.ready(late)
    assert late.sent == early.sent and late.acted == ["room.recheck"]
    await feed.leave(early)
    await feed.leave(late)
    assert feed.closed and not layer.groups.get("map.7")


@pytest.mark.asyncio
async def test_pushes_wait_while_a_socket_checks_it_may_stay():
    """A rotated link makes every socket ask again; what the room hears meanwhile reaches a
    socket only once it is allowed to stay (then in order)."""
    layer = MemoryLayer()
    socket = Socket([])
    feed = feed_for(8, layer)
    await feed.join(socket)
    await feed.ready(socket)
    socket.acting.clear()  # its access check takes a while
    await layer.group_send("map.8", {"type": "room.recheck"})
    await layer.group_send("map.8", push(1))
    await layer.group_send("map.8", push(2))
    await asyncio.sleep(0.2)
    assert socket.sent == []
    socket.acting.set()
    await until(lambda: len(socket.sent) == 2)
    assert socket.acted == ["room.recheck"] and [f["seq"] for f in socket.sent] == [1, 2]
    await feed.leave(socket)


@pytest.mark.asyncio
async def test_a_socket_that_never_gets_going_is_told_to_re_read_not_held_forever(monkeypatch):
    monkeypatch.setattr(feeds, "HOLD_MAX", 3)
    layer = MemoryLayer()
    stuck = Socket([])
    feed = feed_for(9, layer)
    await feed.join(stuck)
    for seq in range(1, 8):
        await layer.group_send("map.9", push(seq))
    await until(lambda: len(feed.sockets[stuck]) >= 3 and "7" in str(feed.sockets[stuck][-1]))
    assert len(feed.sockets[stuck]) <= 3
    await feed.ready(stuck)
    assert stuck.sent[0] == {"type": "resync", "seq": None}  # what it missed: from the database
    assert stuck.sent[-1]["seq"] == 7
    await feed.leave(stuck)


@pytest.mark.asyncio
async def test_the_feed_outlives_a_failing_receive():
    class Flaky(MemoryLayer):
        failed = False

        async def receive(self, channel):
            if not self.failed:
                self.failed = True
                raise ValueError("a bad message on the wire")
            return await super().receive(channel)

    layer = Flaky()
    socket = Socket([])
    feed = feed_for(10, layer)
    await feed.join(socket)
    await feed.ready(socket)
    await until(lambda: layer.failed)
    await layer.group_send("map.10", push(1))
    await until(lambda: socket.sent, seconds=3)
    assert socket.sent[0]["seq"] == 1
    await feed.leave(socket)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_connect_that_fails_halfway_leaves_nothing_in_the_feed(
    django_user_model, monkeypatch
):
    from workshops import presence

    _workshop, team_map, clients = await make_world(django_user_model)

    def broken(*args):
        raise RuntimeError("the hub could not start")

    monkeypatch.setattr(presence, "hub_for", broken)
    communicator, _connected, _code = await connect(
        team_map.pk, [ORIGIN, cookie_of(clients["facilitator"])]
    )
    with pytest.raises(RuntimeError):
        await communicator.wait(timeout=3)  # the application ended with the error
    live = [f for f in feeds._feeds.values() if f.map_id == team_map.pk and not f.closed]
    assert live == []
