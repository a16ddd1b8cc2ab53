"""The process that turns print HTML into PDF bytes, away from the server (workshops/printshop.py
starts it and talks to it through a pipe).

The server reads what a document shows from the database (a twentieth of a second for 1,000
cards) and sends it here, pickled, with the function that renders its HTML; this process
renders the HTML (a quarter of a second, which in the server held the interpreter for every
other request) and lays out the PDF (seconds). It sets Django up for the templates but opens
no database connection: everything it renders arrived with the job. Headless Chromium is
started once and kept warm; WeasyPrint is the fallback where no Chromium is installed.
benchmarks/README.md has the measurements that chose Chromium.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

# A4 landscape comes from the print CSS (@page); page numbers and the running title from its
# margin boxes, which Chromium lays out as WeasyPrint does.
# Print HTML past this many characters (about 1,000 cards) gets a page of its own, closed after.
BIG_DOCUMENT = 500_000
CHROMIUM_PDF = {"prefer_css_page_size": True, "print_background": True, "tagged": True}


def serve(conn, engine: str, chromium: str) -> None:
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
    if engine == "chromium":
        with _Chromium(chromium) as browser:
            _loop(conn, browser.pdf)
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
            conn.send(("ok", render(job if isinstance(job, str) else _html(*job))))
        except Exception as error:  # noqa: BLE001 - said to the person waiting, never raised
            conn.send(("failed", f"{type(error).__name__}: {str(error)[:200]}"))


def _html(language: str, render) -> str:
    from django.utils import translation

    with translation.override(language):
        return render()


def _leave_with_parent() -> None:
    """A server killed outright cannot stop its worker: the worker notices and leaves."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class _Chromium:
    def __init__(self, executable: str):
        self.executable = executable
        self.page = None

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=self.executable, args=["--no-sandbox", "--disable-gpu"]
        )
        return self

    def __exit__(self, *exc):
        self.browser.close()
        self.playwright.stop()

    def pdf(self, html: str) -> bytes:
        """One page, kept from job to job: a fresh browser context costs 0.2 s a PDF."""
        if not self.browser.is_connected():  # the browser crashed: start it again
            self.browser = self.playwright.chromium.launch(
                executable_path=self.executable, args=["--no-sandbox", "--disable-gpu"]
            )
            self.page = None
        if self.page is None:
            context = self.browser.new_context(java_script_enabled=False)
            self.page = context.new_page()
            # The print HTML carries its CSS and pictures inline: nothing is fetched.
            self.page.route("**/*", lambda route: route.abort())
        fresh_after = len(html) > BIG_DOCUMENT  # a big map's page is not kept (its memory)
        try:
            self.page.set_content(html, wait_until="load")
            return self.page.pdf(**CHROMIUM_PDF)
        except Exception:
            fresh_after = True
            raise
        finally:
            if fresh_after:  # the next job starts from a fresh page
                self.page.context.close()
                self.page = None


def _weasyprint(html: str) -> bytes:
    from weasyprint import HTML

    def fetch_nothing(url, *args, **kwargs):
        raise ValueError(f"the PDF fetches nothing ({url[:60]})")

    return HTML(string=html, url_fetcher=fetch_nothing).write_pdf()
