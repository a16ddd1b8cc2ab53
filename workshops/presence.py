"""Presence in a room: who is here, in which colour, editing which card.

Each socket keeps a roster of the room from the presence events it hears. A newcomer is told
who is here by one member only (the one with the lowest id), so a room of N that fills up at
once costs O(N) messages, not O(N²).
"""

from __future__ import annotations

import hashlib

# Colours are CSS classes (c0…c7), not inline styles.
PALETTE_SIZE = 8


def colour_for(key: str) -> int:
    return hashlib.sha256(key.encode()).digest()[0] % PALETTE_SIZE


def event(kind: str, member: dict) -> dict:
    """A group message announcing `member` (join, here, leave)."""
    return {"type": "presence.event", "event": kind, "member": member}


class Roster:
    def __init__(self, me: dict):
        self.me = me
        self.members: dict[str, dict] = {me["id"]: me}

    def hear(self, kind: str, member: dict) -> bool:
        """Update from a presence event; True when this socket should welcome the newcomer."""
        if kind == "leave":
            self.members.pop(member["id"], None)
            return False
        self.members[member["id"]] = member
        if kind != "join" or member["id"] == self.me["id"]:
            return False
        others = [member_id for member_id in self.members if member_id != member["id"]]
        return min(others) == self.me["id"]

    def snapshot(self) -> list[dict]:
        return list(self.members.values())
