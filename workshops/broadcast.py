"""The one place that sends to rooms and to people's sockets.

Every change of a map counts one more in the map's sequence number inside the change's
transaction; what changed goes to the room's group only after that transaction commits, so a
rolled-back change is never shown. The channel layer may still drop a message (delivery is at
most once): clients notice the gap in sequence numbers and re-read the board from the
database.

Writes are named actions (workshops/actions/) marked with `@action`: each tells the room
itself, once. Model signals (workshops/signals.py) only catch what no action made, such as a
change in the admin, and ask the room to re-read.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import threading
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from maps.models import JourneyMap
from workshops import ratelimit

log = logging.getLogger(__name__)


def room_group(map_id: int) -> str:
    return f"map.{map_id}"


def member_group(key: str) -> str:
    """Every socket of one person: "p<participant>", "u<user>" or "v<session>"."""
    return f"member.{key}"


# Actions -------------------------------------------------------------------------------------

_acting = contextvars.ContextVar("journeymap_acting", default=False)


def action(function):
    """A named write: it changes models inside the caller's transaction (or one of its own)
    and tells the room itself, so the signals that catch raw changes stay quiet. No savepoint
    of its own (two statements more on every edit): an action that refuses (raises) ends the
    caller's transaction, which is how views answer a refusal anyway."""

    @functools.wraps(function)
    def act(*args, **kwargs):
        token = _acting.set(True)
        try:
            with transaction.atomic(savepoint=False):
                return function(*args, **kwargs)
        finally:
            _acting.reset(token)

    return act


def acting() -> bool:
    """Whether the code running now is inside an action (which pushes what it changes)."""
    return _acting.get()


@dataclass(frozen=True)
class Push:
    """What an action told the room: its HTML and sequence number. `seq` is None when the
    room heard nothing new (a resent add): the HTML is then for the sender alone."""

    html: str
    seq: int | None = None


def tell_room(journey_map, html: str, *, by: str = "") -> Push:
    """Count one change of `journey_map` and push `html` (out-of-band partials) on commit."""
    seq = journey_map.bump()
    message = {"type": "room.push", "seq": seq, "html": html, "by": by}
    transaction.on_commit(lambda: send(journey_map.pk, message))
    return Push(html, seq)


def move_everyone(map_id: int, url: str) -> None:
    """Participants' screens in this room go to `url` (after commit)."""
    transaction.on_commit(lambda: send(map_id, {"type": "room.go", "url": url}))


def close_room(map_id: int) -> None:
    """The map is gone: its sockets are told and closed (after commit)."""
    transaction.on_commit(lambda: send(map_id, {"type": "room.closed"}))


def kick(participant_id: int) -> None:
    """Close the sockets of a removed participant, once the removal is committed."""
    group = member_group(f"p{participant_id}")
    transaction.on_commit(lambda: _group_send(group, {"type": "room.kicked"}))


def recheck_member(key: str) -> None:
    """Someone's access may have ended: their sockets ask again."""
    group = member_group(key)
    transaction.on_commit(lambda: _group_send(group, {"type": "room.recheck"}))


def end_session(key: str, session_key: str) -> None:
    """A session is ending (logout): the sockets opened with it close at once, without asking
    the session store, which may not have forgotten it yet; this person's other sockets ask
    again. The session travels as a digest, never as itself."""
    message = {"type": "room.recheck", "ended": ratelimit.hashed(session_key)}
    transaction.on_commit(lambda: _group_send(member_group(key), message))


def recheck_room(map_id: int) -> None:
    """A map's link was rotated: every socket in its room asks again whether it may stay."""
    transaction.on_commit(lambda: _group_send(room_group(map_id), {"type": "room.recheck"}))


# Changes no action made ----------------------------------------------------------------------


class _Batch(threading.local):
    """Raw changes of one transaction: each map touched re-reads once, after the commit."""

    def __init__(self):
        self.open: dict | None = None


_batch = _Batch()


def map_touched(map_id: int) -> None:
    """A model of map `map_id` changed outside any action (the admin, a shell): once the
    transaction commits, the room re-reads the board, once however many rows changed.

    The batch is closed by the first of its callbacks to run. A batch whose transaction rolled
    back is simply taken over by the next transaction's callbacks, so nothing is lost."""
    if _batch.open is None:
        _batch.open = {"sent": set()}
    batch = _batch.open

    def reread():
        if _batch.open is batch:
            _batch.open = None
        if map_id not in batch["sent"]:
            batch["sent"].add(map_id)
            _reread(map_id)

    transaction.on_commit(reread)


def _reread(map_id: int) -> None:
    journey_map = JourneyMap.objects.filter(pk=map_id).first()
    if journey_map is not None:  # deleted meanwhile: its room was closed
        send(map_id, {"type": "room.resync", "seq": journey_map.bump()})


# Sending -------------------------------------------------------------------------------------


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
            task.add_done_callback(_sent)
    except Exception as error:  # the database has the change; clients catch up on their own
        log.warning("push to %s failed (the channel layer is unreachable?): %r", group, error)


_pending: set = set()


def _sent(task: asyncio.Task) -> None:
    """A scheduled send is over: its failure is one line in the log, never an unretrieved
    task exception."""
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.warning("push failed (the channel layer is unreachable?): %r", task.exception())
