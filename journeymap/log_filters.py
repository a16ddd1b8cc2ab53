"""Logging filters for noise that is not a fault."""

from __future__ import annotations

import asyncio
import logging
import traceback


class ShutdownCleanup(logging.Filter):
    """Drop channels-redis's pub/sub "Unexpected exception while cleaning-up channel" when the
    exception is a cancellation.

    A leaving socket unsubscribes its channel while its task is being cancelled; when daphne
    stops with hundreds of sockets leaving at once, that unsubscribe (queued behind the shard's
    one lock) is cancelled too and channels-redis logs the CancelledError as a traceback. The
    Redis connection goes away with the process, so nothing is left subscribed. Any other
    exception there is still logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.msg.startswith("Unexpected exception while cleaning-up"):
            return not isinstance(record.exc_info[1], asyncio.CancelledError)
        return True


class DatabaseDown(logging.Filter):
    """A request that failed because the database was unreachable is answered 503 and
    retried by the browser (journeymap/errors.py): log one line that says so, not a traceback
    that reads like a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        from journeymap.errors import database_down

        if record.exc_info and database_down(record.exc_info[1]):
            record.msg = "database unreachable (answered 503, the browser retries): %s: %s"
            record.args = (record.exc_info[1].__class__.__name__, str(record.exc_info[1])[:200])
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class RedisAway(logging.Filter):
    """While Redis is unreachable, channels-redis's pub/sub reader logs the same connection
    error with a traceback every second until it reconnects (by itself). Keep one line each:
    the pages are told live updates are paused (workshops/consumers.py check_layer)."""

    def filter(self, record: logging.LogRecord) -> bool:
        quiet = ("Unexpected exception in receive task", "Unexpected exception while cleaning-up")
        if record.exc_info and str(record.msg).startswith(quiet):
            from redis.exceptions import ConnectionError, TimeoutError

            error = record.exc_info[1]
            lost = isinstance(error, (ConnectionError, TimeoutError, OSError))
            if lost or (isinstance(error, AttributeError) and _in_connection(record.exc_info[2])):
                record.msg, record.args = "Redis unreachable, retrying: %r", (error,)
                record.exc_info, record.exc_text = None, None
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def _in_connection(trace) -> bool:
    """redis-py's asyncio connection, dropped while it says HELLO, can find its writer gone
    (AttributeError on None inside redis/asyncio/connection.py): the same lost connection,
    which the reader retries like any other (seen when Redis went away under load)."""
    frames = list(traceback.walk_tb(trace)) if trace else []
    if not frames:
        return False
    last = frames[-1][0].f_code.co_filename.replace("\\", "/")
    return last.endswith("redis/asyncio/connection.py")
