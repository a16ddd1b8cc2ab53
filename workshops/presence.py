"""Presence in a room: who is here, in which colour, editing which card."""

from __future__ import annotations

import hashlib

# Colours are CSS classes (c0…c7), not inline styles.
PALETTE_SIZE = 8


def colour_for(key: str) -> int:
    return hashlib.sha256(key.encode()).digest()[0] % PALETTE_SIZE


def event(kind: str, member: dict) -> dict:
    """A group message announcing `member` (join, here, leave)."""
    return {"type": "presence.event", "event": kind, "member": member}
