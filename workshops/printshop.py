"""PDFs made outside the server: a bounded queue in front of worker processes (print_worker.py),
one render per document at a time, bytes cached on disk by what the document shows.

Each server process keeps PDF_WORKERS workers (one by default on two cores), started on first
use and kept warm. A render that runs past PDF_TIME_LIMIT seconds, or whose worker (with its
browser) grows past PDF_MEMORY_MB, is stopped by killing the worker, which starts afresh for
the next. A job nobody waits for any more (the page that asked was closed) is dropped from the
queue, or stopped if it is being made. docs/printing.md says why and what was measured.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from workshops import print_marks, print_worker

log = logging.getLogger(__name__)

# A job is still wanted while someone waits on it, or asked about it this recently.
WANTED_FOR = 10
KEEP_FILES = 200  # cached PDFs kept on disk, newest first


class PrintFailed(Exception):
    """Said to the person waiting, as it is."""


def nobody_waits() -> PrintFailed:
    return PrintFailed(_("Nobody was waiting for the PDF any more."))


@dataclass
class Job:
    key: str
    # The HTML, or (language, a picklable function that makes it, reading in the worker).
    html: str | tuple
    state: str = "queued"  # queued → making → done | failed
    reason: str = ""
    started: float = 0.0
    waiters: int = 0
    asked: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    mark: int | None = None  # held while queued or made (print_marks.py)

    @property
    def wanted(self) -> bool:
        if self.waiters > 0 or time.monotonic() - self.asked < WANTED_FOR:
            return True
        # The page may be asking another server process, which touches the mark.
        return self.mark is not None and print_marks.asked_since(self.mark) < WANTED_FOR


def cache_key(*parts) -> str:
    """What a document shows, as a file name: the map's sequence number (every change counts
    one), who it is for, the language, and the print templates themselves."""
    text = "\x1f".join(str(p) for p in (*parts, _templates_digest()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def state_of(journey_map) -> tuple:
    """A map's state: its sequence number, and when it last changed (a database that was
    reset can hand out the same id and number again)."""
    return (journey_map.pk, journey_map.seq, journey_map.updated_at.isoformat())


_digest = None


def _templates_digest() -> str:
    """Changing a print template (a new release) must not hand out an old layout."""
    global _digest
    if _digest is None:
        root = Path(settings.BASE_DIR) / "templates"
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(path.read_bytes())
        _digest = digest.hexdigest()[:16]
    return _digest


def cache_dir() -> Path:
    path = Path(settings.VAR_DIR) / "prints"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cached(key: str) -> bytes | None:
    """The PDF made of this state, or None (also when another server just pruned it)."""
    try:
        return (cache_dir() / f"{key}.pdf").read_bytes()
    except FileNotFoundError:
        return None


def elsewhere(key: str) -> dict | None:
    """What another server process says of the PDF `key` it is making (print_marks.py)."""
    return print_marks.elsewhere(cache_dir(), key)


def _keep(key: str, content: bytes) -> Path:
    folder = cache_dir()
    path = folder / f"{key}.pdf"
    partial = folder / f".{key}.{os.getpid()}.part"
    try:
        partial.write_bytes(content)
        partial.replace(path)  # whole or not at all, also with several servers on one folder
    finally:
        partial.unlink(missing_ok=True)  # a full disk leaves no half file behind
    files = []
    for each in folder.glob("*.pdf"):
        with contextlib.suppress(OSError):  # another server may prune at the same time
            files.append((each.stat().st_mtime, each))
    for _mtime, old in sorted(files, reverse=True)[KEEP_FILES:]:
        with contextlib.suppress(OSError):
            old.unlink()
    print_marks.prune(folder, older_than=3600)
    return path


class Worker:
    """One worker process and the browser it keeps."""

    def __init__(self):
        self.process = None
        self.conn = None

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(
            target=print_worker.serve,
            args=(theirs, settings.PDF_ENGINE, settings.CHROMIUM, _database_name()),
            name="journeymap-print",
            daemon=True,
        )
        self.process.start()
        theirs.close()
        try:
            if not self.conn.poll(60):
                raise EOFError
            self.conn.recv()  # ("ready", b"")
        except (EOFError, OSError) as error:
            self.stop()
            raise PrintFailed(_("The PDF maker did not start.")) from error

    def render(self, job: Job) -> bytes:
        if self.process is None or not self.process.is_alive():
            self.start()  # seconds: whoever asked may have gone meanwhile
        if not job.wanted:
            raise nobody_waits()
        self.conn.send(job.html)
        deadline = time.monotonic() + settings.PDF_TIME_LIMIT
        while not self.conn.poll(0.25):
            if time.monotonic() > deadline:
                self.stop()
                raise PrintFailed(
                    _("The PDF took longer than %(seconds)s seconds and was stopped.")
                    % {"seconds": settings.PDF_TIME_LIMIT}
                )
            if memory_mb(self.process.pid) > settings.PDF_MEMORY_MB:
                self.stop()
                raise PrintFailed(_("The PDF needed more memory than allowed and was stopped."))
            if not job.wanted:
                self.stop()
                raise nobody_waits()
            if not self.process.is_alive():
                self.stop()
                raise PrintFailed(_("The PDF maker stopped unexpectedly."))
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError) as error:
            self.stop()
            raise PrintFailed(_("The PDF maker stopped unexpectedly.")) from error
        if status != "ok":
            log.warning("PDF render failed: %s", payload)
            raise PrintFailed(_("The PDF could not be made."))
        return payload

    def stop(self) -> None:
        """The worker and everything it started (the browser's processes), at once."""
        if self.process is None:
            return
        if self.process.pid is None:  # it never started
            self.conn.close()
            self.process = self.conn = None
            return
        family = [*descendants(self.process.pid), self.process.pid]
        for pid in family:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.process.join(5)
        # A killed process takes a moment to give its memory back: the next render starts
        # after that, not beside it.
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in family) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.conn.close()
        self.process = self.conn = None


def _database_name() -> str:
    """The database this server uses now: a test run's is not the settings' name."""
    from django.db import connections

    return str(connections["default"].settings_dict["NAME"])


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (dead, waiting for its parent to notice)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def descendants(pid: int) -> list[int]:
    """Every process started, at any depth, by `pid` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stat:
                    parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def memory_mb(pid: int) -> float:
    """Memory of a process and all it started, in MB: the sum of their proportional set
    sizes (a browser's processes share libraries; resident sizes would count them each time)."""
    total_kb = 0
    for each in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError, ValueError), open(f"/proc/{each}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
                    break
    return total_kb / 1024


class Printshop:
    def __init__(self, workers: int):
        self.lock = threading.Condition()
        self.queue: deque[Job] = deque()
        self.jobs: dict[str, Job] = {}
        self.workers = [Worker() for _ in range(workers)]
        for worker in self.workers:
            threading.Thread(target=self._serve, args=(worker,), daemon=True).start()

    def job(self, key: str) -> Job | None:
        with self.lock:
            return self.jobs.get(key)

    def order(self, key: str, html: str) -> Job:
        """The job making `key`: the one already queued or being made, or a new one."""
        with self.lock:
            job = self.jobs.get(key)
            if job is None or job.state == "failed":
                job = self.jobs[key] = Job(key, html)
                job.mark = print_marks.claim(cache_dir(), key)
                self.queue.append(job)
                self.lock.notify()
            job.asked = time.monotonic()
            return job

    def forget(self, job: Job) -> None:
        with self.lock:
            if self.jobs.get(job.key) is job:
                del self.jobs[job.key]

    def ahead_of(self, job: Job) -> int:
        """How many jobs will be made before this one (being made now counts)."""
        with self.lock:
            making = sum(1 for j in self.jobs.values() if j.state == "making")
            queued = list(self.queue)
            return making + (queued.index(job) if job in queued else 0)

    def _next(self) -> Job:
        with self.lock:
            while True:
                while self.queue:
                    job = self.queue.popleft()
                    if job.wanted:
                        job.state, job.started = "making", time.monotonic()
                        if job.mark is not None:
                            print_marks.note(job.mark, {"state": "making", "started": time.time()})
                        return job
                    self._finish(job, "failed", str(nobody_waits()))
                self.lock.wait()

    def _finish(self, job: Job, state: str, reason: str = "") -> None:
        job.state, job.reason, job.html = state, reason, ""
        if job.mark is not None:
            # Others are told a failure someone waits for; a job nobody wanted just goes.
            told = reason if state == "failed" and job.wanted else ""
            print_marks.release(job.mark, cache_dir(), job.key, told)
            job.mark = None
        job.done.set()
        # Done: the cached file answers from now on. Failed with nobody waiting: there is
        # nobody to tell, and whoever asks later starts afresh.
        if self.jobs.get(job.key) is job and (state == "done" or not job.wanted):
            del self.jobs[job.key]

    def _serve(self, worker: Worker) -> None:
        while True:
            job = self._next()
            try:
                _keep(job.key, worker.render(job))
            except PrintFailed as failure:
                with self.lock:
                    self._finish(job, "failed", str(failure))
            except Exception:  # noqa: BLE001 - the thread must live on for the next job
                log.exception("PDF render failed")
                with self.lock:
                    self._finish(job, "failed", _("The PDF could not be made."))
            else:
                with self.lock:
                    self._finish(job, "done")

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


_shop = None
_shop_lock = threading.Lock()


def shop() -> Printshop:
    """This process's printshop, started on first use."""
    global _shop
    with _shop_lock:
        if _shop is None:
            _shop = Printshop(settings.PDF_WORKERS)
            atexit.register(_shop.stop)  # no worker or browser outlives its server
        return _shop
