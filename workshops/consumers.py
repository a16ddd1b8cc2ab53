"""The room socket: a pipe. It joins the room's group after an access check, forwards what
broadcast.py pushes, and relays presence (who is here, who edits which card). It reads and
writes no model: every change goes through the HTTP views."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from importlib import import_module
from types import SimpleNamespace

from asgiref.sync import sync_to_async
from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user
from redis.exceptions import RedisError

from journeymap.ratelimit import Gauge, hit
from workshops import access, presence
from workshops.broadcast import member_group, room_group

# Frames from browsers are tiny (ping, editing); anything larger is refused.
MAX_FRAME = 16 * 1024
# Every fourth ping (about 100 s) re-announces this member, so clients drop the ones whose
# "leave" was lost (the channel layer delivers at most once).
ANNOUNCE_EVERY = 4


def recheck_seconds() -> float:
    """How often an open socket asks again whether its session may still be in the room:
    access that ended without a push (a session expired, a row changed in the admin)."""
    return float(getattr(settings, "SOCKET_RECHECK_SECONDS", 60))


# How long an echo through the channel layer may take before live updates count as paused.
ECHO_WAIT = 3
# What a channel layer raises when its Redis is unreachable (redis-py's errors, and the OS's).
LAYER_AWAY = (RedisError, OSError, TimeoutError)


class RoomConsumer(AsyncWebsocketConsumer):
    group = own_group = rechecking = sockets = None
    layer_ok = True
    cut_off = False
    echoes_sent = 0

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except LAYER_AWAY:
            # Channels needs the layer (Redis) to name this socket, and the core layer to
            # receive on it: while it is away, close "try again later"; the page reconnects
            # with backoff and re-reads the board meanwhile.
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": 1013})

    async def dispatch(self, message):
        # Channels' own dispatch first closes stale database connections on the one shared
        # sync thread, for every message of every socket: a push to 300 sockets queued 300
        # hops onto the thread that also runs the HTTP views. This consumer touches the
        # database only in connect, through database_sync_to_async, which does that itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        # Reconnects per browser a minute, checked before anything touches the database: a
        # client that is cut off and comes straight back, again and again, is refused cheaply.
        who = self.scope["cookies"].get("sessionid") or (self.scope.get("client") or ["?"])[0]
        allowed = await sync_to_async(hit, thread_sensitive=False)(
            f"connects:{who}", settings.CONNECTS_PER_MINUTE, 60
        )
        if not allowed:
            await self.close(code=4429)
            return
        member = await database_sync_to_async(access.member_for_socket)(
            self.scope, self.scope["url_route"]["kwargs"]["map_id"]
        )
        if member is None:
            await self.close(code=4403)
            return
        # One person's open sockets, counted across processes: tabs and devices, not a flood.
        sockets = Gauge(f"sockets:{member['user']}", ttl=int(recheck_seconds() * 3) + 1)
        # Off the one thread the ORM calls share: 300 sockets may open at once.
        taken = await sync_to_async(sockets.take, thread_sensitive=False)(
            settings.SOCKETS_PER_PERSON
        )
        if not taken:
            await self.close(code=4429)
            return
        self.sockets = sockets
        self.frames, self.frames_since = 0, time.monotonic()
        self.checks: set[asyncio.Future] = set()
        self.echo_heard = asyncio.Event()
        self.member = {**member, "id": self.channel_name, "card": None}
        self.roster = presence.Roster(self.member)
        self.pings = 0
        self.group = room_group(member["map_id"])
        # This person's sockets: removal (broadcast.kick) and logout (recheck_member) reach it.
        self.own_group = member_group(member["user"])
        try:
            for group in (self.group, self.own_group):
                await self.channel_layer.group_add(group, self.channel_name)
        except LAYER_AWAY:
            # The layer (Redis) is away: open anyway, say "paused"; the first echo that comes
            # back joins the groups (room_echo) and says "resumed".
            self.layer_ok = False
        await self.accept()
        self.rechecking = asyncio.ensure_future(self.recheck_every(recheck_seconds()))
        await self.send_json({"type": "welcome", "member": self.member})
        if not self.layer_ok:
            await self.send_json({"type": "paused"})
        await self.announce("join")

    async def disconnect(self, code):
        if self.rechecking:
            self.rechecking.cancel()
        for check in list(getattr(self, "checks", ())):
            check.cancel()
        if self.sockets:
            await sync_to_async(self.sockets.give_back, thread_sensitive=False)()
            self.sockets = None
        with contextlib.suppress(*LAYER_AWAY):  # Redis away: its subscriptions went with it
            for group in (self.own_group, self.group):
                if group:
                    await self.channel_layer.group_discard(group, self.channel_name)
        if self.group:
            await self.announce("leave")

    async def receive(self, text_data=None, bytes_data=None):
        if self.cut_off:
            return  # closing: what the client still blasts costs as little as possible
        if bytes_data is not None or len(text_data or "") > MAX_FRAME:
            await self.close(code=1009, reason="frame too large or not text")
            return
        if self.too_many_frames():
            self.cut_off = True
            await self.close(code=4429, reason="too many frames")
            return
        try:
            frame = json.loads(text_data)
            kind = frame["type"]
        except (ValueError, TypeError, KeyError):
            await self.send_json({"type": "error", "reason": "expected a JSON object with a type"})
            return
        if kind == "ping":
            await self.send_json({"type": "pong"})
            if not self.checks:  # one echo check at a time (a flood of pings makes one)
                check = asyncio.ensure_future(self.check_layer())
                self.checks.add(check)  # held, so it is not collected while it waits
                check.add_done_callback(self.checks.discard)
            self.pings += 1
            if self.pings % ANNOUNCE_EVERY == 0:
                await self.announce("here")
        elif kind == "editing":
            card = frame.get("card")
            self.member["card"] = card if type(card) is int else None  # not True or 1.5
            await self.announce("here")
        else:
            await self.send_json({"type": "error", "reason": f"unknown type {str(kind)[:40]!r}"})

    async def send_json(self, content: dict):
        # A group message can arrive after the browser went away and before daphne tells us:
        # nothing to deliver then, and nothing wrong.
        with contextlib.suppress(Disconnected):
            await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def announce(self, kind: str):
        # Presence is best effort: a full queue or an unreachable layer must not break the
        # socket (the echo check tells the page when the layer is away).
        with contextlib.suppress(ChannelFull, *LAYER_AWAY):
            await self.channel_layer.group_send(self.group, presence.event(kind, self.member))

    # Messages from the group -------------------------------------------------------------

    async def room_push(self, message):
        await self.send_json({k: message[k] for k in ("seq", "html", "by")} | {"type": "push"})

    async def room_resync(self, message):
        await self.send_json({"type": "resync", "seq": message["seq"]})

    async def room_closed(self, message):
        await self.send_json({"type": "error", "reason": "this map was deleted"})
        await self.close(code=4410, reason="map deleted")

    async def room_go(self, message):
        await self.send_json({"type": "go", "url": message["url"]})

    async def check_layer(self):
        """Each ping also sends an echo to this socket through the channel layer (Redis in
        production). If it fails or does not come back, the pushes of others are not coming
        either: tell the page, which then re-reads the board from the database on its own."""
        self.echoes_sent += 1
        self.echo_heard.clear()
        try:
            message = {"type": "room.echo", "n": self.echoes_sent}
            await asyncio.wait_for(self.channel_layer.send(self.channel_name, message), ECHO_WAIT)
            await asyncio.wait_for(self.echo_heard.wait(), ECHO_WAIT)
        except (TimeoutError, *LAYER_AWAY):
            await self.layer_down()

    async def layer_down(self):
        if self.layer_ok:
            self.layer_ok = False
            await self.send_json({"type": "paused"})

    async def room_echo(self, message):
        if message["n"] == self.echoes_sent:
            self.echo_heard.set()
        if not self.layer_ok:
            # Back. A restarted Redis has forgotten the groups: join them again (idempotent).
            try:
                for group in (self.group, self.own_group):
                    await self.channel_layer.group_add(group, self.channel_name)
            except LAYER_AWAY:
                return  # not quite back: the next ping tries again
            self.layer_ok = True
            await self.send_json({"type": "resumed"})

    def too_many_frames(self) -> bool:
        now = time.monotonic()
        if now - self.frames_since > 10:
            self.frames, self.frames_since = 0, now
        self.frames += 1
        return self.frames > settings.FRAMES_PER_10S

    async def recheck_every(self, seconds: float):
        while True:
            await asyncio.sleep(seconds)
            # Still open: keep it counted.
            await sync_to_async(self.sockets.touch, thread_sensitive=False)()
            await self.room_recheck({})

    async def room_recheck(self, message):
        if not await database_sync_to_async(self.still_allowed)():
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

    async def room_kicked(self, message):
        await self.send_json({"type": "error", "reason": "removed from the workshop"})
        await self.close(code=4403, reason="removed")

    async def presence_event(self, message):
        kind, member = message["event"], message["member"]
        await self.send_json({"type": "presence", "event": kind, "member": member})
        if self.roster.hear(kind, member):
            # One member tells the newcomer who is already here.
            with contextlib.suppress(ChannelFull):
                await self.channel_layer.send(
                    member["id"], {"type": "presence.roster", "members": self.roster.snapshot()}
                )

    async def presence_roster(self, message):
        for member in message["members"]:
            self.roster.hear("here", member)
        await self.send_json({"type": "presence", "event": "roster", "members": message["members"]})
