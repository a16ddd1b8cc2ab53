"""Counting in fixed windows, in the cache every process shares (Redis in production, the
process's memory in the embedded default): how the server slows down a flood of writes and
refuses more sockets than one person needs, while everyone else keeps working."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import threading
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


class OpenSockets:
    """One person's open sockets, across processes: an entry per socket, each expiring on its
    own `ttl` after its socket last said it is open. A server killed with sockets open leaks
    them for `ttl` at most, whatever the person's other sockets do (one count for all of them
    stayed alive as long as any was touched: a few tabs across a few deploys were refused).

    In Redis a sorted set per person (socket → expiry), changed by one atomic script; in the
    embedded default, this process's memory."""

    _local: dict[str, dict[str, float]] = {}
    _lock = threading.Lock()
    _OPEN = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
        redis.call('EXPIRE', KEYS[1], ARGV[5])
        return 1
    """

    def __init__(self, person: str, ttl: int):
        self.key, self.ttl = cache.make_key(f"sockets:{person}"), ttl

    def _redis(self):
        client = getattr(cache, "_cache", None)
        return client.get_client(self.key, write=True) if hasattr(client, "get_client") else None

    @fail_open
    def open(self, socket: str, limit: int) -> bool:
        """Count `socket` in; False (and nothing counted) when `limit` are open already."""
        now = time.time()
        redis = self._redis()
        if redis is not None:
            args = [now, limit, now + self.ttl, socket, self.ttl + 1]
            return bool(redis.eval(self._OPEN, 1, self.key, *args))
        with self._lock:
            entries = {s: t for s, t in self._local.get(self.key, {}).items() if t > now}
            if len(entries) >= limit:
                return False
            entries[socket] = now + self.ttl
            self._local[self.key] = entries
            return True

    @fail_open(default=None)
    def still_open(self, socket: str) -> None:
        expiry = time.time() + self.ttl
        redis = self._redis()
        if redis is not None:
            redis.zadd(self.key, {socket: expiry}, xx=True)
            redis.expire(self.key, self.ttl + 1)
            return
        with self._lock:
            if socket in self._local.get(self.key, {}):
                self._local[self.key][socket] = expiry

    @fail_open(default=None)
    def close(self, socket: str) -> None:
        redis = self._redis()
        if redis is not None:
            redis.zrem(self.key, socket)
            return
        with self._lock:
            self._local.get(self.key, {}).pop(socket, None)

    @fail_open(default=0)
    def count(self) -> int:
        now = time.time()
        redis = self._redis()
        if redis is not None:
            return redis.zcount(self.key, now, "+inf")
        with self._lock:
            return sum(1 for t in self._local.get(self.key, {}).values() if t > now)
