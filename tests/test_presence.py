"""Presence costs O(N) however many join at once: a newcomer gets one roster, changes reach
each socket as one batch a second, and nothing of it travels in the queues that carry pushes.
Hubs of different processes (simulated here on one layer) know each other's members."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.layers import get_channel_layer

from tests.test_workshop_sockets import ORIGIN, connect, cookie_of, make_world
from workshops import presence

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def frames_until_quiet(communicator, quiet=1.6) -> list[dict]:
    frames = []
    while not await communicator.receive_nothing(timeout=quiet):
        frames.append(json.loads(await communicator.receive_from()))
    return frames


class CountingLayer:
    """The layer, counting what presence and pushes send through it."""

    def __init__(self, layer):
        self.layer, self.sent = layer, []

    def __getattr__(self, name):
        return getattr(self.layer, name)

    async def group_send(self, group, message):
        self.sent.append((group, message["type"]))
        return await self.layer.group_send(group, message)

    async def send(self, channel, message):
        self.sent.append((channel, message["type"]))
        return await self.layer.send(channel, message)


async def test_fifty_joining_cost_one_roster_each_and_batches_not_n_squared(
    django_user_model, settings, monkeypatch
):
    settings.SOCKETS_PER_PERSON = 1000
    settings.CONNECTS_PER_MINUTE = 1000
    _workshop, team_map, clients = await make_world(django_user_model)
    layer = CountingLayer(get_channel_layer())
    monkeypatch.setattr(presence.Hub, "__init__", _with_layer(presence.Hub.__init__, layer))
    headers = [ORIGIN, cookie_of(clients["facilitator"])]
    sockets = []
    for _ in range(50):
        communicator, connected, _ = await connect(team_map.pk, headers)
        assert connected
        sockets.append(communicator)
    heard = await asyncio.gather(*(frames_until_quiet(s) for s in sockets))
    for frames in heard:
        presence_frames = [f for f in frames if f["type"] == "presence"]
        assert sum(f["event"] == "roster" for f in presence_frames) == 1
        # The 50 joins came within a few seconds: a batch a second, not a frame per join.
        assert sum(f["event"] == "batch" for f in presence_frames) <= 6
    # Between processes: a batch a second at most (no other hub listens here).
    presence_messages = [m for m in layer.sent if m[0].startswith("presence.")]
    assert len(presence_messages) <= 10, presence_messages
    for communicator in sockets:
        await communicator.disconnect()


def _with_layer(init, layer):
    def patched(self, map_id, _layer, key):
        init(self, map_id, layer, key)

    return patched


async def test_a_newcomer_sees_everyone_and_everyone_sees_the_newcomer(django_user_model):
    _workshop, team_map, clients = await make_world(django_user_model)
    first, _, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["facilitator"])])
    await frames_until_quiet(first, quiet=0.5)
    second, _, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["team_a"])])
    frames = await frames_until_quiet(second, quiet=1.5)
    roster = next(f for f in frames if f.get("event") == "roster")
    assert {m["name"] for m in roster["members"]} == {"진행자", "에이"}
    heard = await frames_until_quiet(first)
    # The first socket's roster (if both came in the same second) or a batch says so.
    names = [m["name"] for f in heard if f.get("event") == "roster" for m in f["members"]]
    names += [c["member"]["name"] for f in heard if f.get("event") == "batch" for c in f["events"]]
    assert "에이" in names
    await second.disconnect()
    left = await frames_until_quiet(first)
    assert any(
        c["event"] == "leave" for f in left if f.get("event") == "batch" for c in f["events"]
    )
    await first.disconnect()


async def test_hubs_of_two_processes_learn_each_others_members():
    layer = get_channel_layer()

    class Socket:
        def __init__(self):
            self.frames = []

        async def presence_frame(self, text):
            self.frames.append(json.loads(text))

    one, two = presence.Hub(7, layer, ("one", 7)), presence.Hub(7, layer, ("two", 7))
    a, b = Socket(), Socket()
    await one.join({"id": "a", "name": "에이"}, a)
    await two.join({"id": "b", "name": "비"}, b)
    await asyncio.sleep(2.5)  # hello, rosters and a batch each way
    assert {m["id"] for m in one.members()} == {"a", "b"}
    assert {m["id"] for m in two.members()} == {"a", "b"}
    await two.leave({"id": "b"})
    await asyncio.sleep(1.5)
    assert {m["id"] for m in one.members()} == {"a"}
    assert any(
        c["event"] == "leave" and c["member"]["id"] == "b"
        for f in a.frames
        if f["event"] == "batch"
        for c in f["events"]
    )
    await one.leave({"id": "a"})


async def test_a_silent_hub_is_forgotten(monkeypatch):
    monkeypatch.setattr(presence, "REMOTE_TTL", 0)
    layer = get_channel_layer()
    hub = presence.Hub(8, layer, ("x", 8))
    await hub.heard({"hub": "gone", "type": "presence.roster", "members": {"z": {"id": "z"}}})
    assert [m["id"] for m in hub.members()] == ["z"]
    hub._forget_silent_hubs()
    assert hub.members() == []
    assert hub.to_sockets["z"]["event"] == "leave"
