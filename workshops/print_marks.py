"""Which server process is making a PDF, for the others sharing its cache folder.

Behind a load balancer the page's questions ("is it ready?") land on any daphne process; each
used to start the same render once more and count it against the person's export limit. The
process that takes a job holds a lock on a mark file beside the cache (flock: it goes away
with the process, however that ends) and notes in it whether the job waits or is being made,
and since when; another process that is asked finds the lock held, answers with that progress
and touches the mark, which keeps the job wanted where it is made. A failure stays in the
mark for a while, so the page hears it whichever process it asks.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path

FAILURE_SHOWN_FOR = 30  # seconds a failure is told to those who ask another process


def _path(folder: Path, key: str) -> Path:
    return folder / f".{key}.making"


def claim(folder: Path, key: str) -> int | None:
    """The mark of `key`, held by this process (an open descriptor), or None if another holds
    it (both then make it: the rare race of two orders in the same instant)."""
    fd = os.open(_path(folder, key), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    note(fd, {"state": "queued"})
    return fd


def note(fd: int, said: dict) -> None:
    data = json.dumps({**said, "pid": os.getpid()}, ensure_ascii=False).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def release(fd: int, folder: Path, key: str, failure: str = "") -> None:
    """The job is over: a failure stays readable for a while; a made PDF needs no mark."""
    if failure:
        note(fd, {"state": "failed", "reason": failure})
    else:
        with contextlib.suppress(OSError):
            _path(folder, key).unlink()
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def asked_since(fd: int) -> float:
    """Seconds since someone asked another process about this job (or it was noted)."""
    return time.time() - os.fstat(fd).st_mtime


def elsewhere(folder: Path, key: str) -> dict | None:
    """What another process says of `key`: {"state": "queued"} or {"state": "making",
    "started": t} while it holds the mark, {"state": "failed", "reason": …} for a while after
    it failed, else None (nobody is on it: make it here). Asking keeps it wanted there."""
    try:
        fd = os.open(_path(folder, key), os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        said = _read(fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:  # held: being made by another process
            os.utime(fd)
            return said
        fcntl.flock(fd, fcntl.LOCK_UN)
        if said.get("pid") == os.getpid():
            return None  # our own failure, told to our own askers: a new click tries again
        if said.get("state") == "failed" and asked_since(fd) < FAILURE_SHOWN_FOR:
            return said
        return None  # left by a process that died, or an old failure
    finally:
        os.close(fd)


def prune(folder: Path, older_than: float) -> None:
    """Marks of failures long told, and of processes that died."""
    now = time.time()
    for path in folder.glob(".*.making"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > older_than:
                path.unlink()


def _read(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:  # being written this very moment
        return {"state": "queued"}
