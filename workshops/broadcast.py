"""The one place that pushes to a room.

Every change of a map bumps the map's sequence number inside the change's transaction, and
the HTML of what changed goes to the room's group only after that transaction commits: a
rolled-back change is never shown. The channel layer may still drop a push (delivery is at
most once); clients notice the gap in sequence numbers and re-read the board from the database.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def room_group(map_id: int) -> str:
    return f"map.{map_id}"


def map_changed(journey_map, html: str, *, by: str = "") -> int:
    """Count one change of `journey_map` and push `html` (out-of-band partials) on commit."""
    seq = journey_map.bump()
    message = {"type": "room.push", "seq": seq, "html": html, "by": by}
    transaction.on_commit(lambda: send(journey_map.pk, message))
    return seq


def map_changed_elsewhere(journey_map) -> int:
    """A change made outside the board (admin, a command): clients re-read the whole board."""
    seq = journey_map.bump()
    transaction.on_commit(lambda: send(journey_map.pk, {"type": "room.resync", "seq": seq}))
    return seq


def send(map_id: int, message: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(room_group(map_id), message)
    except Exception:  # the database has the change; clients catch up on their next check
        log.exception("push to %s failed", room_group(map_id))
