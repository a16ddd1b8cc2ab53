"""Presence in a room: who is here, in which colour, editing which card.

Each daphne process keeps one `Hub` per room that has sockets in it. A hub knows the members
of its own sockets and, from the other processes' hubs, theirs. What changes (someone joins,
leaves, opens a card's editor) is gathered and sent at most once a second: to each socket of
this process as one frame, and to the other hubs as one message through the channel layer.
So a room of N costs O(N) frames a second however many people join at once (it was N² when
every socket announced itself to every other), presence never waits in the queues that carry
pushes, and a newcomer gets the whole room at once from its own hub.

Hubs send their whole roster every HEARTBEAT seconds; a hub not heard of for three of them is
gone (its process died) and its members leave. A lost batch is mended by the next roster.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time

from channels.exceptions import ChannelFull
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Colours are CSS classes (c0…c7), not inline styles.
PALETTE_SIZE = 8
FLUSH = 1.0  # seconds between batches
HEARTBEAT = 30.0
REMOTE_TTL = 3 * HEARTBEAT + 5
# What a channel layer raises when its Redis is away, or a queue is full: presence is best
# effort and must never break a socket.
LAYER_TROUBLE = (RedisError, OSError, TimeoutError, ChannelFull)


def colour_for(key: str) -> int:
    return hashlib.sha256(key.encode()).digest()[0] % PALETTE_SIZE


def group_of(map_id: int) -> str:
    return f"presence.{map_id}"


_hubs: dict[tuple[int, int], Hub] = {}


def one_per_room(found: dict, map_id: int, make):
    """This process's one hub (or feed) of a room, made by `make(key)` when there is none
    or the last one closed; one per event loop (tests run several loops)."""
    key = (id(asyncio.get_running_loop()), map_id)
    each = found.get(key)
    if each is None or each.closed:
        each = found[key] = make(key)
    return each


async def listen(layer, channel: str, heard) -> None:
    """Receive on `channel` for ever, handing each message to `heard`: the layer away (or
    any other error) costs a second, never the loop, and one bad message only itself."""
    while True:
        try:
            message = await layer.receive(channel)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            level = logging.DEBUG if isinstance(error, LAYER_TROUBLE) else logging.WARNING
            log.log(level, "could not receive on %s: %r", channel, error)
            await asyncio.sleep(1)
            continue
        try:
            await heard(message)
        except Exception:
            log.exception("a %r message was not handled", message.get("type"))


def hub_for(map_id: int, layer) -> Hub:
    return one_per_room(_hubs, map_id, lambda key: Hub(map_id, layer, key))


class Hub:
    def __init__(self, map_id: int, layer, key):
        self.map_id, self.layer, self.key = map_id, layer, key
        self.local: dict[str, tuple[dict, object]] = {}  # socket id -> (member, socket)
        self.newcomers: list = []  # sockets that get the whole roster at the next flush
        self.remote: dict[str, dict] = {}  # hub channel -> {"members": {...}, "seen": t}
        self.to_sockets: dict[str, dict] = {}  # member id -> latest event, for our sockets
        self.to_hubs: dict[str, dict] = {}  # member id -> latest event of ours, for other hubs
        self.channel: str | None = None
        self.tasks: list[asyncio.Task] = []
        self.started = asyncio.Event()
        self.closed = False
        self.starting = False

    # Sockets of this process ----------------------------------------------------------------

    async def join(self, member: dict, socket) -> None:
        """The socket gets the whole roster at the next flush (within a second): 300 joining
        at once get it encoded once, not once each with one more member every time."""
        await self._start()
        self.local[member["id"]] = (member, socket)
        self.newcomers.append(socket)
        self._changed("join", member)

    async def leave(self, member: dict) -> None:
        if self.local.pop(member["id"], None) is None:
            return
        self._changed("leave", {"id": member["id"]})
        if not self.local:
            await self._stop()

    def editing(self, member: dict) -> None:
        if member["id"] in self.local:
            self._changed("here", member)

    def members(self) -> list[dict]:
        found = {m["id"]: m for m, _socket in self.local.values()}
        for hub in self.remote.values():
            found.update(hub["members"])
        return list(found.values())

    def _changed(self, event: str, member: dict) -> None:
        change = {"event": event, "member": member}
        self.to_sockets[member["id"]] = change
        self.to_hubs[member["id"]] = change

    # The loop: batches out, messages from other hubs in --------------------------------------

    async def _start(self) -> None:
        if self.starting:
            await self.started.wait()
            return
        self.starting = True
        with contextlib.suppress(*LAYER_TROUBLE):
            # The layer's default prefix: channels-redis's core layer pops every channel of a
            # process from one list named by it; another prefix waited behind that pop.
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(group_of(self.map_id), self.channel)
            self.tasks.append(asyncio.ensure_future(self._listen()))
            await self._to_hubs({"type": "presence.hello"})
        self.tasks.append(asyncio.ensure_future(self._flush_every_second()))
        self.started.set()

    async def _stop(self) -> None:
        self.closed = True
        _hubs.pop(self.key, None)
        await self._flush()
        with contextlib.suppress(*LAYER_TROUBLE):
            await self._to_hubs({"type": "presence.bye"})
            if self.channel:
                await self.layer.group_discard(group_of(self.map_id), self.channel)
        for task in self.tasks:
            task.cancel()

    async def _flush_every_second(self) -> None:
        last_heartbeat = time.monotonic()
        while not self.closed:
            await asyncio.sleep(FLUSH)
            await self._flush()
            if time.monotonic() - last_heartbeat >= HEARTBEAT:
                last_heartbeat = time.monotonic()
                await self._to_hubs({"type": "presence.roster", "members": self._own()})
                self._forget_silent_hubs()

    async def _flush(self) -> None:
        if self.to_hubs:
            events, self.to_hubs = list(self.to_hubs.values()), {}
            await self._to_hubs({"type": "presence.batch", "events": events})
        newcomers, self.newcomers = set(self.newcomers), []
        if newcomers:
            roster = {"type": "presence", "event": "roster", "members": self.members()}
            text = json.dumps(roster, ensure_ascii=False)
            for socket in newcomers:
                await socket.presence_frame(text)
        if self.to_sockets:
            events, self.to_sockets = list(self.to_sockets.values()), {}
            frame = {"type": "presence", "event": "batch", "events": events}
            text = json.dumps(frame, ensure_ascii=False)
            for _member, socket in list(self.local.values()):
                if socket not in newcomers:  # their roster holds it all
                    await socket.presence_frame(text)

    def _own(self) -> dict:
        return {m["id"]: m for m, _socket in self.local.values()}

    async def _to_hubs(self, message: dict, channel: str | None = None) -> None:
        if not self.channel:
            return
        message = {**message, "hub": self.channel}
        try:
            if channel:
                await self.layer.send(channel, message)
            else:
                await self.layer.group_send(group_of(self.map_id), message)
        except LAYER_TROUBLE as error:
            log.debug("presence not sent to the other hubs: %r", error)

    async def _listen(self) -> None:
        async def from_others(message):
            if message.get("hub") != self.channel:
                await self.heard(message)

        await listen(self.layer, self.channel, from_others)  # a lost batch: the next roster

    async def heard(self, message: dict) -> None:
        hub, kind = message["hub"], message["type"]
        if kind == "presence.hello":  # a hub has just started in another process
            await self._to_hubs({"type": "presence.roster", "members": self._own()}, hub)
        elif kind == "presence.roster":
            self._replace(hub, message["members"])
        elif kind == "presence.batch":
            members = self.remote.setdefault(hub, {"members": {}, "seen": 0})["members"]
            self.remote[hub]["seen"] = time.monotonic()
            for change in message["events"]:
                member = change["member"]
                if change["event"] == "leave":
                    members.pop(member["id"], None)
                else:
                    members[member["id"]] = member
                self.to_sockets[member["id"]] = change
        elif kind == "presence.bye":
            self._replace(hub, {})
            self.remote.pop(hub, None)

    def _replace(self, hub: str, members: dict) -> None:
        """A hub's whole roster: what differs from what we knew goes to our sockets."""
        known = self.remote.get(hub, {"members": {}})["members"]
        for member_id in known.keys() - members.keys():
            self.to_sockets[member_id] = {"event": "leave", "member": {"id": member_id}}
        for member_id, member in members.items():
            if known.get(member_id) != member:
                self.to_sockets[member_id] = {"event": "here", "member": member}
        self.remote[hub] = {"members": dict(members), "seen": time.monotonic()}

    def _forget_silent_hubs(self) -> None:
        now = time.monotonic()
        for hub, state in list(self.remote.items()):
            if now - state["seen"] > REMOTE_TTL:
                self._replace(hub, {})
                self.remote.pop(hub, None)
