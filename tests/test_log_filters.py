"""The log filters: a cancelled pub/sub clean-up at shutdown and a Redis connection lost mid-way
are not tracebacks."""

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


def writer_gone():
    """What redis-py's asyncio connection raises when the connection is dropped while it says
    HELLO (its writer already None), raised from a frame of that file as it is there."""
    namespace: dict = {}
    code = "def send(writer):\n    writer.writelines([b'HELLO'])\n"
    exec(compile(code, "/x/site-packages/redis/asyncio/connection.py", "exec"), namespace)  # noqa: S102
    try:
        namespace["send"](None)
    except AttributeError:
        return sys.exc_info()
    raise AssertionError("expected an AttributeError")


def test_a_connection_dropped_mid_connect_is_one_warning_and_other_errors_stay_tracebacks():
    from journeymap.log_filters import RedisAway

    away = RedisAway().filter
    receive = "Unexpected exception in receive task"
    dropped = logging.LogRecord("channels_redis.pubsub", logging.ERROR, "", 0, receive, (), None)
    dropped.exc_info = writer_gone()
    assert away(dropped)
    assert dropped.exc_info is None and dropped.levelname == "WARNING"
    assert "Redis unreachable" in dropped.getMessage()
    # The same AttributeError from our own code is a bug: its traceback stays.
    ours = record(receive, AttributeError("'NoneType' object has no attribute 'writelines'"))
    assert away(ours) and ours.exc_info is not None and ours.levelname == "ERROR"
    refused = record(receive, ConnectionError("refused"))
    assert away(refused) and refused.exc_info is None
