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
    it or the folder will not have it (then this process makes it on its own, as before)."""
    path = _path(folder, key)
    for _attempt in range(2):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                note(fd, {"state": "queued"})
                return fd
            # A mark released and removed between our open and our lock: take the new one.
            fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError:
            pass
        os.close(fd)
    return None


def note(fd: int, said: dict) -> None:
    """Written over what was there and then cut to length, so a reader never finds it empty;
    best effort (a full disk only costs the other processes their progress line)."""
    data = json.dumps({**said, "pid": os.getpid()}, ensure_ascii=False).encode()
    with contextlib.suppress(OSError):
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))


def release(fd: int, folder: Path, key: str, failure: str = "") -> None:
    """The job is over: a failure stays readable for a while; a made PDF needs no mark."""
    try:
        if failure:
            note(fd, {"state": "failed", "reason": failure})
        else:
            with contextlib.suppress(OSError):
                _path(folder, key).unlink()
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        with contextlib.suppress(OSError):
            os.close(fd)


def asked_since(fd: int) -> float:
    """Seconds since someone asked another process about this job (or it was noted)."""
    try:
        return time.time() - os.fstat(fd).st_mtime
    except OSError:
        return float("inf")


def elsewhere(folder: Path, key: str) -> dict | None:
    """What another process says of `key`: {"state": "queued"} or {"state": "making",
    "started": t} while it holds the mark, {"state": "failed", "reason": …} for a while after
    it failed, else None (nobody is on it: make it here). Asking keeps it wanted there."""
    try:
        fd = os.open(_path(folder, key), os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        said = _read(fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: being made by another process
            with contextlib.suppress(OSError):
                os.utime(fd)
            return said
        fcntl.flock(fd, fcntl.LOCK_UN)
        if said.get("pid") == os.getpid():
            return None  # our own failure, told to our own askers: a new click tries again
        if said.get("state") == "failed" and asked_since(fd) < FAILURE_SHOWN_FOR:
            return said
        return None  # left by a process that died, or an old failure
    except OSError:
        return None
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
        said = json.loads(os.pread(fd, 4096, 0))
    except (OSError, ValueError):  # just created, or being written this very moment
        return {"state": "queued"}
    return said if isinstance(said, dict) and "state" in said else {"state": "queued"}
