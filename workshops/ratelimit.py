"""Counting in fixed windows, in the cache every process shares (Redis in production, the
process's memory in the embedded default): how the server slows down a flood of writes and
refuses more sockets than one person needs, while everyone else keeps working."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def fail_open(function=None, *, default=True):
    """A limit must never take the app down with it: if the cache (Redis) is unreachable,
    let the request through (`default`) and say so in the log."""
    if function is None:
        return functools.partial(fail_open, default=default)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:
            log.warning("rate limit not applied: the cache is unreachable: %r", error)
            return default

    return wrapper


def hashed(value: str) -> str:
    """A session id or an address as a key name: the same every time, but not the value
    itself (key names are visible to whoever can list Redis)."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()
    return digest[:20]


def _bucket(key: str, window: int) -> str:
    return f"rl:{key}:{int(time.time() // window)}"


@fail_open(default=0)
def take(key: str, window: int) -> int:
    """Count one event for `key` in this `window` (s), atomically; how many there are now.
    Counting first and deciding after means parallel requests cannot all slip under a limit."""
    bucket = _bucket(key, window)
    if cache.add(bucket, 1, timeout=window * 2):
        return 1
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr: a new window
        cache.add(bucket, 1, timeout=window * 2)
        return 1


def hit(key: str, limit: int, window: int) -> bool:
    """Count one event for `key`; False once more than `limit` fell in this `window` (s)."""
    return take(key, window) <= limit


@fail_open(default=None)
def give_back(key: str, window: int) -> None:
    """Uncount one event of this window (it turned out not to count: a right code)."""
    with contextlib.suppress(ValueError):
        cache.decr(_bucket(key, window))


@fail_open(default=0)
def count(key: str, window: int) -> int:
    """How many events `key` has in this window, without counting one."""
    return cache.get(_bucket(key, window), 0)


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
