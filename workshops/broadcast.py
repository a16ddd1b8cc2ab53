"""The one place that pushes to a room.

Every change of a map bumps the map's sequence number inside the change's transaction, and
the HTML of what changed goes to the room's group only after that transaction commits: a
rolled-back change is never shown. The channel layer may still drop a push (delivery is at
most once); clients notice the gap in sequence numbers and re-read the board from the database.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

log = logging.getLogger(__name__)


def room_group(map_id: int) -> str:
    return f"map.{map_id}"


def member_group(key: str) -> str:
    """Every socket of one person: "p<participant>", "u<user>" or "v<session>"."""
    return f"member.{key}"


def kick(participant_id: int) -> None:
    """Close the sockets of a removed participant, once the removal is committed."""
    group = member_group(f"p{participant_id}")
    transaction.on_commit(lambda: _group_send(group, {"type": "room.kicked"}))


def recheck_member(key: str) -> None:
    """Someone's access may have ended (they logged out): their sockets ask again."""
    group = member_group(key)
    transaction.on_commit(lambda: _group_send(group, {"type": "room.recheck"}))


def recheck_room(map_id: int) -> None:
    """A map's link was rotated: every socket in its room asks again whether it may stay."""
    transaction.on_commit(lambda: _group_send(room_group(map_id), {"type": "room.recheck"}))


def map_changed(journey_map, html: str, *, by: str = "") -> int:
    """Count one change of `journey_map` and push `html` (out-of-band partials) on commit."""
    seq = journey_map.bump()
    message = {"type": "room.push", "seq": seq, "html": html, "by": by}
    for resync in _pending_resyncs(journey_map.pk):
        resync.pushed = True  # the board view pushes exactly what changed
    transaction.on_commit(lambda: send(journey_map.pk, message))
    return seq


class _Resync:
    """Queued when a model of a map is saved or deleted; at commit it tells the room to re-read
    the board, unless a board view pushed the change itself in the same transaction."""

    def __init__(self, map_id: int):
        self.map_id, self.pushed = map_id, False

    def __call__(self) -> None:
        if self.pushed:
            return
        from maps.models import JourneyMap

        journey_map = JourneyMap.objects.filter(pk=self.map_id).first()
        if journey_map is not None:
            seq = journey_map.bump()
            send(self.map_id, {"type": "room.resync", "seq": seq})


def _pending_resyncs(map_id: int) -> list[_Resync]:
    return [
        func
        for _sids, func, _robust in connection.run_on_commit
        if isinstance(func, _Resync) and func.map_id == map_id
    ]


def map_touched(map_id: int) -> None:
    """A model of map `map_id` changed somewhere (admin, a command, a shell): queue a resync."""
    if not _pending_resyncs(map_id):
        transaction.on_commit(_Resync(map_id))


def send(map_id: int, message: dict) -> None:
    _group_send(room_group(map_id), message)


def _group_send(group: str, message: dict) -> None:
    group_send = get_channel_layer().group_send
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    try:
        if loop is None:
            async_to_sync(group_send)(group, message)
        else:  # called from sync code on an event loop's thread: schedule, don't block it
            _pending.add(task := loop.create_task(group_send(group, message)))
            task.add_done_callback(_pending.discard)
    except Exception as error:  # the database has the change; clients catch up on their own
        log.warning("push to %s failed (the channel layer is unreachable?): %r", group, error)


_pending: set = set()
