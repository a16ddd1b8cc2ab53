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
import time

from autobahn.exception import Disconnected

from workshops.broadcast import room_group
from workshops.presence import LAYER_TROUBLE, listen, one_per_room

log = logging.getLogger(__name__)

_feeds: dict[tuple[int, int], Feed] = {}
REFRESH_ON_JOIN = 60  # seconds: a join re-adds the feed to its group if it is older
REFRESH = 3600  # and it re-adds itself this often (a layer forgets members after a day)
HOLD_MAX = 200  # frames held for one socket; past it, one "re-read the board" instead


def feed_for(map_id: int, layer) -> Feed:
    return one_per_room(_feeds, map_id, lambda key: Feed(map_id, layer, key))


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


REREAD = frame_of({"type": "room.reread"})


class Feed:
    def __init__(self, map_id: int, layer, key):
        self.map_id, self.layer, self.key = map_id, layer, key
        # socket -> what is held for it (frames, or messages it acts on) until `ready`, or
        # None while it is live.
        self.sockets: dict = {}
        self.channel: str | None = None
        self.subscribed_at: float | None = None
        self.listening: asyncio.Task | None = None
        self.refreshing: asyncio.Task | None = None
        self.lock = asyncio.Lock()
        self.tasks: dict = {}  # socket -> the tasks acting on room messages for it
        self.closed = False

    async def join(self, socket) -> None:
        """From now on the socket gets the room's frames; they are held until `ready`, so
        nothing sent between joining and the socket's welcome is lost. Raises what the layer
        raises when it is away (the socket opens "paused"; `subscribe` mends it later)."""
        self.sockets[socket] = []
        await self.subscribe(unless_within=REFRESH_ON_JOIN)

    async def ready(self, socket) -> None:
        """Send what was held, in order, then the socket is live."""
        while held := self.sockets.get(socket):
            self.sockets[socket] = []
            for item in held:
                if isinstance(item, str):
                    await _write(socket, item)
                else:
                    await socket.dispatch(item)
        if socket in self.sockets:
            self.sockets[socket] = None

    async def leave(self, socket) -> None:
        for task in self.tasks.pop(socket, ()):
            task.cancel()
        if socket not in self.sockets:
            return
        del self.sockets[socket]
        if self.sockets:
            return
        self.closed = True
        _feeds.pop(self.key, None)
        for task in (self.listening, self.refreshing):
            if task:
                task.cancel()
        if self.channel and self.subscribed_at is not None:
            with contextlib.suppress(*LAYER_TROUBLE):
                await self.layer.group_discard(room_group(self.map_id), self.channel)

    async def subscribe(self, unless_within: float = 0) -> None:
        """Be in the room's group (again: a restarted Redis has forgotten it, and a layer
        forgets a member after its group expiry, a day)."""
        async with self.lock:
            now = time.monotonic()
            if self.subscribed_at is not None and now - self.subscribed_at < unless_within:
                return
            if self.channel is None:
                # The default prefix, as presence.py says why.
                self.channel = await self.layer.new_channel()
            await self.layer.group_add(room_group(self.map_id), self.channel)
            self.subscribed_at = now
            if (self.listening is None or self.listening.done()) and not self.closed:
                self.listening = asyncio.ensure_future(self._listen())
            if (self.refreshing is None or self.refreshing.done()) and not self.closed:
                self.refreshing = asyncio.ensure_future(self._refresh())

    async def _listen(self) -> None:
        await listen(self.layer, self.channel, self.heard)  # pings notice a layer away

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH)
            with contextlib.suppress(Exception):  # the layer away: the next hour, or a join
                await self.subscribe(unless_within=REFRESH / 2)

    async def heard(self, message: dict) -> None:
        text = frame_of(message)
        for socket in list(self.sockets):
            held = self.sockets.get(socket)
            if held is not None:  # not live yet, or acting on a room message: keep order
                if len(held) >= HOLD_MAX:  # a socket that never gets going: re-read instead
                    held[:] = [REREAD]
                held.append(text if text is not None else message)
            elif text is not None:
                await _write(socket, text)
            else:  # it acts on it itself; what the room says meanwhile waits for it
                self.sockets[socket] = []
                self._act(socket, message)

    def _act(self, socket, message: dict) -> None:
        async def act():
            await socket.dispatch(message)
            await self.ready(socket)

        task = asyncio.ensure_future(act())
        self.tasks.setdefault(socket, set()).add(task)
        task.add_done_callback(lambda done: self._acted(socket, done))

    def _acted(self, socket, task: asyncio.Task) -> None:
        self.tasks.get(socket, set()).discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("a socket could not act on a room message: %r", task.exception())


async def _write(socket, text: str) -> None:
    # A socket can be gone before daphne tells us: nothing to deliver then, nothing wrong.
    with contextlib.suppress(Disconnected):
        await socket.base_send({"type": "websocket.send", "text": text})
