"""The one log filter: a cancelled pub/sub clean-up at shutdown is not a traceback."""

from __future__ import annotations

import asyncio
import logging
import sys

from journeymap.log_filters import ShutdownCleanup


def record(message: str, error: BaseException | None) -> logging.LogRecord:
    exc_info = None
    if error is not None:
        try:
            raise error
        except BaseException:
            exc_info = sys.exc_info()
    return logging.LogRecord("channels_redis.pubsub", logging.ERROR, "", 0, message, (), exc_info)


def test_a_cancelled_cleanup_is_dropped_and_anything_else_is_kept():
    keep = ShutdownCleanup().filter
    cleanup = "Unexpected exception while cleaning-up channel:"
    assert not keep(record(cleanup, asyncio.CancelledError()))
    assert keep(record(cleanup, ConnectionError("redis went away")))
    assert keep(record("Unexpected exception in receive task", asyncio.CancelledError()))
    assert keep(record("push to map.1 failed", None))
