"""Counting in fixed windows, in the cache every process shares (Redis in production, the
process's memory in the embedded default): how the server slows down a flood of writes and
refuses more sockets than one person needs, while everyone else keeps working."""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache import cache

log = logging.getLogger(__name__)


def fail_open(function):
    """A limit must never take the app down with it: if the cache (Redis) is unreachable,
    let the request through and say so in the log."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:
            log.warning("rate limit not applied: the cache is unreachable: %r", error)
            return True

    return wrapper


@fail_open
def hit(key: str, limit: int, window: int) -> bool:
    """Count one event for `key`; False once more than `limit` fell in this `window` (s)."""
    bucket = f"rl:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window * 2):
        return limit >= 1
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # expired between add and incr: a new window
        cache.add(bucket, 1, timeout=window * 2)
        return True


class Gauge:
    """How many of something one key holds now (open sockets of one person). It decays: an
    entry not touched within `ttl` seconds is gone, so a crashed server leaks nothing for long."""

    def __init__(self, key: str, ttl: int):
        self.key, self.ttl = f"gauge:{key}", ttl

    @fail_open
    def take(self, limit: int) -> bool:
        """Take one; False (and nothing taken) when `limit` are taken already. One round trip
        when the key exists (a socket opens while 300 others do: keep it short)."""
        try:
            count = cache.incr(self.key)
        except ValueError:  # the first one (or expired): start at 1, unless another just did
            count = 1 if cache.add(self.key, 1, timeout=self.ttl) else cache.incr(self.key)
        if count > limit:
            self.give_back()
            return False
        return True

    @fail_open
    def give_back(self) -> None:
        try:
            if cache.decr(self.key) < 0:
                cache.set(self.key, 0, timeout=self.ttl)
        except ValueError:
            pass

    @fail_open
    def touch(self) -> None:
        cache.touch(self.key, self.ttl)
