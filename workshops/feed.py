"""A room's pushes in this process: one subscriber, every socket written to in one loop.

Each daphne process keeps one `Feed` per room that has sockets in it. The feed, not each
socket, is in the room's group on the channel layer: a push crosses Redis once per process,
is encoded once, and is written to each of the room's sockets here in one pass. When every
socket was in the group, a push to 150 sockets of a process made 150 queue entries, 150 task
wake-ups and 150 dispatches, and its last socket heard it tens of milliseconds after its
first (benchmarks/README.md, "Big rooms").

What is for one socket or one person (an echo, a removal, a logout) still goes to the
socket's own channel and groups. Room messages that ask each socket to do something (the map
was deleted, check access again) are handed to each socket as its own task.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from autobahn.exception import Disconnected

from workshops.broadcast import room_group
from workshops.presence import LAYER_TROUBLE

log = logging.getLogger(__name__)

_feeds: dict[tuple[int, int], Feed] = {}


def feed_for(map_id: int, layer) -> Feed:
    """This process's feed for a room (one per event loop: tests run several loops)."""
    key = (id(asyncio.get_running_loop()), map_id)
    feed = _feeds.get(key)
    if feed is None or feed.closed:
        feed = _feeds[key] = Feed(map_id, layer, key)
    return feed


def frame_of(message: dict) -> str | None:
    """The frame every socket gets for a room message, or None if each socket acts on it."""
    kind = message["type"]
    if kind == "room.push":
        frame = {k: message[k] for k in ("seq", "html", "by")} | {"type": "push"}
    elif kind == "room.resync":
        frame = {"type": "resync", "seq": message["seq"]}
    elif kind == "room.reread":  # the feed's queue overflowed: everyone re-reads the board
        frame = {"type": "resync", "seq": None}
    elif kind == "room.go":
        frame = {"type": "go", "url": message["url"]}
    else:
        return None
    return json.dumps(frame, ensure_ascii=False)


class Feed:
    def __init__(self, map_id: int, layer, key):
        self.map_id, self.layer, self.key = map_id, layer, key
        self.sockets: dict = {}  # socket -> frames held until its welcome is out, or None
        self.channel: str | None = None
        self.subscribed = False
        self.listening: asyncio.Task | None = None
        self.lock = asyncio.Lock()
        self.tasks: set[asyncio.Task] = set()
        self.closed = False

    async def join(self, socket) -> None:
        """From now on the socket gets the room's frames; they are held until `ready`, so
        nothing sent between joining and the socket's welcome is lost. Raises what the layer
        raises when it is away (the socket opens "paused"; `subscribe` mends it later)."""
        self.sockets[socket] = []
        if not self.subscribed:
            await self.subscribe()

    async def ready(self, socket) -> None:
        held = self.sockets.get(socket)
        if held:
            for text in held:
                await _write(socket, text)
        if socket in self.sockets:
            self.sockets[socket] = None

    async def leave(self, socket) -> None:
        if socket not in self.sockets:
            return
        del self.sockets[socket]
        if self.sockets:
            return
        self.closed = True
        _feeds.pop(self.key, None)
        if self.listening:
            self.listening.cancel()
        if self.channel and self.subscribed:
            with contextlib.suppress(*LAYER_TROUBLE):
                await self.layer.group_discard(room_group(self.map_id), self.channel)

    async def subscribe(self) -> None:
        """Be in the room's group (again: a restarted Redis has forgotten it)."""
        async with self.lock:
            if self.channel is None:
                # The default prefix, as presence.py says why.
                self.channel = await self.layer.new_channel()
            await self.layer.group_add(room_group(self.map_id), self.channel)
            self.subscribed = True
            if self.listening is None and not self.closed:
                self.listening = asyncio.ensure_future(self._listen())

    async def _listen(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except LAYER_TROUBLE:
                await asyncio.sleep(1)  # the sockets' pings notice and say "paused"
                continue
            try:
                await self.heard(message)
            except Exception:  # one bad message must not end the room's feed
                log.exception("room message not delivered: %r", message.get("type"))

    async def heard(self, message: dict) -> None:
        text = frame_of(message)
        if text is None:
            for socket in list(self.sockets):
                task = asyncio.ensure_future(socket.dispatch(message))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            return
        for socket, held in list(self.sockets.items()):
            if held is None:
                await _write(socket, text)
            else:
                held.append(text)


async def _write(socket, text: str) -> None:
    # A socket can be gone before daphne tells us: nothing to deliver then, nothing wrong.
    with contextlib.suppress(Disconnected):
        await socket.base_send({"type": "websocket.send", "text": text})
