"""The room socket: a pipe. It joins the room's group after an access check, forwards what
broadcast.py sends, and relays presence (who is here, who edits which card). It reads and
writes no model: every change goes through the HTTP views and their actions. The guards
(limits, the layer's health, re-checking access) are workshops/guards.py."""

from __future__ import annotations

import contextlib
import json

from autobahn.exception import Disconnected
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncWebsocketConsumer

from workshops import presence
from workshops.broadcast import member_group, room_group
from workshops.guards import LAYER_AWAY, SocketGuards

# Every fourth ping (about 100 s) re-announces this member, so clients drop the ones whose
# "leave" was lost (the channel layer delivers at most once).
ANNOUNCE_EVERY = 4


class RoomConsumer(SocketGuards, AsyncWebsocketConsumer):
    group = None

    async def connect(self):
        member = await self.admit()
        if member is None:
            return
        self.member = {**member, "id": self.channel_name, "card": None}
        self.roster = presence.Roster(self.member)
        self.pings = 0
        self.group = room_group(member["map_id"])
        # This person's own group: removal (broadcast.kick) and logout reach the socket.
        await self.join_groups(self.group, member_group(member["user"]))
        await self.accept()
        await self.send_json({"type": "welcome", "member": self.member})
        await self.start_guarding()
        await self.announce("join")

    async def disconnect(self, code):
        await self.stop_guarding()
        if self.group:
            await self.announce("leave")

    async def receive(self, text_data=None, bytes_data=None):
        if await self.refuse_frame(text_data, bytes_data):
            return
        try:
            frame = json.loads(text_data)
            kind = frame["type"]
        except (ValueError, TypeError, KeyError):
            await self.send_json({"type": "error", "reason": "expected a JSON object with a type"})
            return
        if kind == "ping":
            await self.send_json({"type": "pong"})
            self.check_layer_soon()
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

    # Messages from the groups: forwarded ----------------------------------------------------

    async def room_push(self, message):
        await self.send_json({k: message[k] for k in ("seq", "html", "by")} | {"type": "push"})

    async def room_resync(self, message):
        await self.send_json({"type": "resync", "seq": message["seq"]})

    async def room_go(self, message):
        await self.send_json({"type": "go", "url": message["url"]})

    async def room_closed(self, message):
        await self.send_json({"type": "error", "reason": "this map was deleted"})
        await self.close(code=4410, reason="map deleted")

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
