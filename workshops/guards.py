"""What keeps a room's socket honest and cheap, beside the consumer that forwards: who may
open one and how often, how many frames it may send, whether the channel layer (Redis) still
carries pushes, and whether the person may still be in the room.

`SocketGuards` is a mixin for `RoomConsumer` (workshops/consumers.py), which stays a pipe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from importlib import import_module
from types import SimpleNamespace

from channels.consumer import get_handler_name
from django.conf import settings
from django.contrib.auth import get_user
from redis.exceptions import RedisError

from workshops import access
from workshops.offthread import db_off_thread as _db_off_thread
from workshops.offthread import off_thread as _off_thread
from workshops.ratelimit import OpenSockets, hashed, hit

# Frames from browsers are tiny (ping, editing); anything larger is refused, closing with
# TOO_BIG: the standard 1009 is not a code an application may send through daphne (autobahn
# accepts 1000 and 3000-4999; it raised, and the client saw 1011).
MAX_FRAME = 16 * 1024
TOO_BIG = 4009
# How long an echo through the channel layer may take before it counts as late.
ECHO_WAIT = 5
# What a channel layer raises when its Redis is unreachable (redis-py's errors, and the OS's).
LAYER_AWAY = (RedisError, OSError, TimeoutError)
# When Redis comes back, sockets connecting at that moment subscribe at once through the
# layer's shared connection while it reconnects, and redis-py lets one of them read beside
# another: asyncio refuses with this RuntimeError (seen in the soak after a Redis outage).
# For that socket it is the layer being away: it closes "try again later".
RECONNECT_RACE = "another coroutine is already waiting"
log = logging.getLogger(__name__)


def recheck_seconds() -> float:
    """How often an open socket asks again whether its session may still be in the room:
    access that ended without a push (a session expired, a row changed in the admin)."""
    return float(settings.SOCKET_RECHECK_SECONDS)


class SocketGuards:
    sockets: OpenSockets | None = None
    rechecking: asyncio.Future | None = None
    feed = None
    layer_ok = True
    cut_off = False
    echoes_sent = late_echoes = 0

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except LAYER_AWAY:
            # Channels needs the layer (Redis) to name this socket, and the core layer to
            # receive on it: while it is away, close "try again later"; the page reconnects
            # with backoff and re-reads the board meanwhile.
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": 1013})
        except RuntimeError as error:
            if RECONNECT_RACE not in str(error):
                raise
            log.warning("socket closed while the channel layer reconnects: %s", error)
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": 1013})

    async def dispatch(self, message):
        # Channels' own dispatch first closes stale database connections on the one shared
        # sync thread, for every message of every socket: a push to 300 sockets queued 300
        # hops onto the thread every socket's ORM calls share. This consumer touches the
        # database only through database_sync_to_async and db_off_thread, which close their
        # connections themselves.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # Opening -------------------------------------------------------------------------------

    async def admit(self) -> dict | None:
        """Who this socket is in the room, or None once it is closed: reconnects per browser
        a minute (checked before anything touches the database: a client cut off again and
        again is refused cheaply), access, and one person's open sockets across processes."""
        if not await _off_thread(self.connects_allowed)():
            await self.close(code=4429)
            return None
        member = await _db_off_thread(self.who_is_it)()
        if member is None:
            await self.close(code=4403)
            return None
        sockets = OpenSockets(member["user"], ttl=int(recheck_seconds() * 3) + 1)
        if not await _off_thread(sockets.open)(self.channel_name, settings.SOCKETS_PER_PERSON):
            await self.close(code=4429)
            return None
        self.sockets = sockets
        self.frames, self.frames_since = 0, time.monotonic()
        self.checks: set[asyncio.Future] = set()
        self.echo_heard = asyncio.Event()
        return member

    def connects_allowed(self) -> bool:
        """Per browser (its session cookie) and per address, so a client that makes up a new
        cookie each time gets no new counter; without a cookie, the address is the browser.
        Keys hold digests, never session ids."""
        address = hashed((self.scope.get("client") or ["?"])[0])
        session = self.scope["cookies"].get("sessionid")
        if not session:
            return hit(f"connects:b:{address}", settings.CONNECTS_PER_MINUTE, 60)
        return hit(f"connects:a:{address}", settings.CONNECTS_PER_ADDRESS_PER_MINUTE, 60) and hit(
            f"connects:b:{hashed(session)}", settings.CONNECTS_PER_MINUTE, 60
        )

    def who_is_it(self) -> dict | None:
        """The person behind the session cookie, as the room knows them (access.py)."""
        session = self.scope["session"]
        scope = {**self.scope, "user": get_user(SimpleNamespace(session=session))}
        return access.member_for_socket(scope, self.scope["url_route"]["kwargs"]["map_id"])

    async def join_groups(self, *groups: str) -> None:
        """Join the room's groups; with the layer (Redis) away, open anyway, "paused": the
        first echo that comes back joins them (room_echo) and says "resumed"."""
        self.joined = groups
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
        except LAYER_AWAY:
            self.layer_ok = False

    async def join_feed(self, feed) -> None:
        """The room's pushes come through this process's feed (workshops/feed.py); with the
        layer away the socket opens "paused" and the first echo back subscribes it."""
        self.feed = feed
        try:
            await feed.join(self)
        except LAYER_AWAY:
            self.layer_ok = False

    async def start_guarding(self) -> None:
        self.rechecking = asyncio.ensure_future(self.recheck_every(recheck_seconds()))
        if not self.layer_ok:
            await self.send_json({"type": "paused"})

    async def stop_guarding(self) -> None:
        if self.feed:
            await self.feed.leave(self)
        if self.rechecking:
            self.rechecking.cancel()
        for check in list(getattr(self, "checks", ())):
            check.cancel()
        if self.sockets:
            await _off_thread(self.sockets.close)(self.channel_name)
            self.sockets = None
        with contextlib.suppress(*LAYER_AWAY):  # Redis away: its subscriptions went with it
            for group in getattr(self, "joined", ()):
                await self.channel_layer.group_discard(group, self.channel_name)

    # Frames --------------------------------------------------------------------------------

    async def refuse_frame(self, text_data, bytes_data) -> bool:
        """True (and the socket closing) for what a browser never sends: binary or huge
        frames, or more than FRAMES_PER_10S of them."""
        if self.cut_off:
            return True  # closing: what the client still blasts costs as little as possible
        if bytes_data is not None or len(text_data or "") > MAX_FRAME:
            await self.close(code=TOO_BIG, reason="frame too large or not text")
            return True
        now = time.monotonic()
        if now - self.frames_since > 10:
            self.frames, self.frames_since = 0, now
        self.frames += 1
        if self.frames > settings.FRAMES_PER_10S:
            self.cut_off = True
            await self.close(code=4429, reason="too many frames")
            return True
        return False

    # Is the channel layer carrying pushes? -------------------------------------------------

    def check_layer_soon(self) -> None:
        """After a ping: one echo check at a time (a flood of pings makes one)."""
        if not self.checks:
            check = asyncio.ensure_future(self.check_layer())
            self.checks.add(check)  # held, so it is not collected while it waits
            check.add_done_callback(self.checks.discard)

    async def check_layer(self):
        """An echo to this socket through the channel layer (Redis in production). If the
        layer refuses it, the pushes of others are not coming either: tell the page, which
        then re-reads the board from the database on its own. A send the layer refuses or
        does not take within ECHO_WAIT is the layer away. An echo that was sent but is only late
        means a busy process (300 people joining at once), not an absent layer: that takes two
        late echoes in a row before the page is told."""
        self.echoes_sent += 1
        self.echo_heard.clear()
        message = {"type": "room.echo", "n": self.echoes_sent}
        try:
            await asyncio.wait_for(self.channel_layer.send(self.channel_name, message), ECHO_WAIT)
        except LAYER_AWAY:  # TimeoutError is one of them
            await self.paused()
            return
        try:
            await asyncio.wait_for(self.echo_heard.wait(), ECHO_WAIT)
        except TimeoutError:
            self.late_echoes += 1
            if self.late_echoes >= 2:
                await self.paused()
        else:
            self.late_echoes = 0

    async def paused(self):
        if self.layer_ok:
            self.layer_ok = False
            await self.send_json({"type": "paused"})

    async def room_echo(self, message):
        if message["n"] == self.echoes_sent:
            self.echo_heard.set()
        if not self.layer_ok:
            # Back. A restarted Redis has forgotten the groups: join them again (idempotent).
            try:
                for group in self.joined:
                    await self.channel_layer.group_add(group, self.channel_name)
                await self.feed.subscribe()
            except LAYER_AWAY:
                return  # not quite back: the next ping tries again
            self.layer_ok = True
            await self.send_json({"type": "resumed"})

    # May this person still be here? ----------------------------------------------------------

    async def recheck_every(self, seconds: float):
        while True:
            await asyncio.sleep(seconds)
            await _off_thread(self.sockets.still_open)(self.channel_name)
            await self.room_recheck({})

    async def room_recheck(self, message):
        ended = message.get("ended")
        if ended and ended == hashed(self.scope["session"].session_key or ""):
            allowed = False  # this socket's own session is the one logging out
        else:
            allowed = await _db_off_thread(self.still_allowed)()
        if not allowed:
            await self.send_json({"type": "error", "reason": "access ended"})
            await self.close(code=4403, reason="access ended")

    def still_allowed(self) -> bool:
        """Ask access.py again with the session as it is now in the store, not as it was
        when the socket opened: a logout deletes it, a removal or a rotated link voids it."""
        key = self.scope["session"].session_key
        session = import_module(settings.SESSION_ENGINE).SessionStore(key)
        scope = {**self.scope, "session": session}
        scope["user"] = get_user(SimpleNamespace(session=session))
        member = access.member_for_socket(scope, self.member["map_id"])
        return member is not None and member["user"] == self.member["user"]
