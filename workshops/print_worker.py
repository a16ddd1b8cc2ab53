"""The process that turns print HTML into PDF bytes, away from the server (workshops/printshop.py
starts it and talks to it through a pipe).

The server sends a function that makes a document's HTML, with the map's or workshop's id:
this process reads it from the database (a twentieth of a second for 1,000 cards, and the
pickling of what was read, which the server did before), renders the HTML (a quarter of a
second, which in the server held the interpreter for every other request) and lays out the
PDF (seconds). It uses the server's database (in tests, the test database, whose name the
server passes), through a plain connection closed after each job. Headless Chromium is
started once and kept warm (workshops/print_browser.py); WeasyPrint is the fallback where no
Chromium is installed.
benchmarks/README.md has the measurements that chose Chromium.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import sys
import threading
import time

# Print HTML past this many characters (about 1,000 cards) gets a page of its own, closed after.
BIG_DOCUMENT = 500_000


def serve(conn, engine: str, chromium: str, database: str) -> None:
    """Answer ("ok", bytes) or ("failed", reason) for each job received (HTML, or a language
    and a function that renders it), until the pipe closes (the server went away) or SIGTERM
    (the server is stopping)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so the browser is closed too
    # Below the server: on a busy machine the people editing go first, the PDF waits. Linux's
    # idle class runs it (and the browser it starts) only on time nobody else wants.
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)
    _leave_with_parent()
    import django

    django.setup()  # the server's settings, from DJANGO_SETTINGS_MODULE
    _use_database(database)
    if engine == "chromium":
        from workshops.print_browser import Browser

        with Browser(chromium) as browser:
            _loop(conn, lambda html: browser.pdf(html, fresh_after=len(html) > BIG_DOCUMENT))
    else:
        _loop(conn, _weasyprint)


def _loop(conn, render) -> None:
    conn.send(("ready", b""))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            html = job if isinstance(job, str) else _html(*job)
            del job
            _give_back_memory()  # the map's context is done with before the layout starts
            conn.send(("ok", render(html)))
        except Exception as error:  # noqa: BLE001 - said to the person waiting, never raised
            conn.send(("failed", f"{type(error).__name__}: {str(error)[:200]}"))
        html = None


def _use_database(name: str) -> None:
    """The server's database by name (the test database in tests), without a pool: one job
    at a time needs one connection, held only while it reads. A document is read in one
    transaction that sees one state of the map (an edit meanwhile is not half in it) and
    takes no lock: PostgreSQL's repeatable read, SQLite's deferred read transaction."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    database["NAME"] = name
    options = database.setdefault("OPTIONS", {})
    options.pop("pool", None)
    if database["ENGINE"] == "django.db.backends.postgresql":
        from psycopg import IsolationLevel

        options["isolation_level"] = IsolationLevel.REPEATABLE_READ
    else:
        options["transaction_mode"] = "DEFERRED"


def _give_back_memory() -> None:
    """Free what a job's objects held and hand it back to the system (glibc keeps freed heap
    otherwise): the worker's share of a 2,000-card render."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _html(language: str, render) -> str:
    from django.db import connections, transaction
    from django.utils import translation

    try:
        with translation.override(language), transaction.atomic():
            return render()
    finally:
        with contextlib.suppress(Exception):  # the layout that follows needs no connection
            connections.close_all()


def _leave_with_parent() -> None:
    """A server killed outright cannot stop its worker: the worker notices and leaves."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _weasyprint(html: str) -> bytes:
    from weasyprint import HTML

    def fetch_nothing(url, *args, **kwargs):
        raise ValueError(f"the PDF fetches nothing ({url[:60]})")

    return HTML(string=html, url_fetcher=fetch_nothing).write_pdf()
