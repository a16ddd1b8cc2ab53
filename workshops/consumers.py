"""The room socket: a pipe. After an access check it joins this process's feed of the room
(workshops/feed.py), which writes what broadcast.py sends to the room onto every socket of
the room here at once. Presence (who is here, who edits which card) goes through this
process's hub for the room (workshops/presence.py), in batches, never through the feed. It
reads and writes no model: every change goes through the HTTP views and their actions. The
guards (limits, the layer's health, re-checking access) are workshops/guards.py."""

from __future__ import annotations

import asyncio
import contextlib
import json

from autobahn.exception import Disconnected
from channels.generic.websocket import AsyncWebsocketConsumer

from workshops import presence
from workshops.broadcast import member_group
from workshops.feed import feed_for
from workshops.guards import SocketGuards


class RoomConsumer(SocketGuards, AsyncWebsocketConsumer):
    hub = None

    async def connect(self):
        member = await self.admit()
        if member is None:
            return
        self.member = {**member, "id": self.channel_name, "card": None}
        # This person's own group: removal (broadcast.kick) and logout reach the socket.
        await self.join_groups(member_group(member["user"]))
        try:
            await self.join_feed(feed_for(member["map_id"], self.channel_layer))
            await self.accept()
            await self.send_json({"type": "welcome", "member": self.member})
            await self.feed.ready(self)  # what the room heard since joining, then live
            await self.start_guarding()
            self.hub = presence.hub_for(member["map_id"], self.channel_layer)
            await self.hub.join(self.member, self)
        except BaseException:
            # Cancelled (the client left during a slow connect) or the layer reconnecting:
            # no disconnect follows, so nothing may stay held for this socket.
            await asyncio.shield(self.disconnect(1011))
            raise

    async def disconnect(self, code):
        await self.stop_guarding()
        if self.hub:
            await self.hub.leave(self.member)

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
        elif kind == "editing":
            card = frame.get("card")
            self.member["card"] = card if type(card) is int else None  # not True or 1.5
            self.hub.editing(self.member)
        else:
            await self.send_json({"type": "error", "reason": f"unknown type {str(kind)[:40]!r}"})

    async def send_json(self, content: dict):
        # A group message can arrive after the browser went away and before daphne tells us:
        # nothing to deliver then, and nothing wrong.
        with contextlib.suppress(Disconnected):
            await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def presence_frame(self, text: str):
        """From this process's hub: the room's roster, or a second's changes (as JSON)."""
        with contextlib.suppress(Disconnected):
            await self.send(text_data=text)

    # What the feed or this person's group hands the socket to act on ----------------------

    async def room_closed(self, message):
        await self.send_json({"type": "error", "reason": "this map was deleted"})
        await self.close(code=4410, reason="map deleted")

    async def room_kicked(self, message):
        await self.send_json({"type": "error", "reason": "removed from the workshop"})
        await self.close(code=4403, reason="removed")
