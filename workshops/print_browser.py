"""Headless Chromium for the PDF worker, spoken to over its DevTools pipe.

Playwright put its driver, a Node.js process of about 150 MB, between the worker and the
browser; printing needs a handful of DevTools commands, which go here over the pipe Chromium
opens with --remote-debugging-pipe (no port another local user could reach). The flags keep
the browser to as few processes as headless printing needs (docs/printing.md has what each
saves). One page is kept from job to job: a fresh one costs a fifth of a second a PDF.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",  # the worker runs as the server's user, in its container
    "--remote-debugging-pipe",
    "--no-startup-window",  # no new-tab page of its own: ours is the one renderer
    "--no-zygote",
    "--disable-gpu",
    "--in-process-gpu",
    "--enable-features=NetworkServiceInProcess2",
    # The omnibox popup of a window nobody sees kept a renderer of its own (about 80 MB).
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
    "--renderer-process-limit=1",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--mute-audio",
]
# A4 landscape and margins come from the print CSS (@page); page numbers and the running title
# from its margin boxes. Tagged: the PDF carries its structure and language.
PRINT = {
    "preferCSSPageSize": True,
    "printBackground": True,
    "generateTaggedPDF": True,
    "marginTop": 0,
    "marginBottom": 0,
    "marginLeft": 0,
    "marginRight": 0,
}
# The document fetches nothing: its CSS and pictures are inline.
FETCH_NOTHING = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "img-src data:; style-src 'unsafe-inline'; font-src data:\">"
)


FOLDER_PREFIX = "journeymap-print-"
HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


class BrowserGone(Exception):
    pass


class Browser:
    def __init__(self, executable: str):
        self.executable = executable
        self.process: subprocess.Popen | None = None
        self.target = self.session = None
        self.ids = 0
        self.received = bytearray()
        self.events: list[dict] = []

    # The process -------------------------------------------------------------------------

    def start(self) -> None:
        _forget_folders_of_the_dead()
        self.folder = tempfile.TemporaryDirectory(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")
        commands_read, self.commands = os.pipe()
        self.answers, answers_write = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4: bash puts our ends there
        # (dash reads one-digit descriptors only); every other descriptor of the worker, its
        # pipe to the server among them, stays behind (close_fds).
        moved = f"3<&{commands_read} 4>&{answers_write} {commands_read}<&- {answers_write}>&-"
        profile = Path(self.folder.name, "profile")
        try:
            self.process = subprocess.Popen(
                ["/bin/bash", "-c", f'exec "$@" {moved}', "chromium", self.executable, *FLAGS]
                + [f"--user-data-dir={profile}"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                pass_fds=(commands_read, answers_write),
            )
        except OSError:
            for fd in (self.commands, self.answers):
                os.close(fd)
            raise
        finally:
            os.close(commands_read)
            os.close(answers_write)
        self.target = self.session = None
        self.received, self.events = bytearray(), []

    def close(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(BrowserGone, OSError):
            self._call("Browser.close")
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self.commands, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.process = None
        self.folder.cleanup()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    # Printing ------------------------------------------------------------------------------

    def pdf(self, html: str, *, fresh_after: bool = False) -> bytes:
        if self.process is None or self.process.poll() is not None:  # crashed: start again
            self.close()
            self.start()
        if self.session is None:
            self._open_page()
        try:
            document = Path(self.folder.name, "document.html")
            document.write_text(_fetching_nothing(html), encoding="utf-8")
            self.events.clear()
            loader = self._call("Page.navigate", {"url": document.as_uri()}, self.session)
            self._wait_for_load(loader.get("loaderId"))
            answer = self._call("Page.printToPDF", PRINT, self.session)
            return base64.b64decode(answer["data"])
        except Exception:
            fresh_after = True
            raise
        finally:
            if fresh_after:  # a big map's page is not kept (its memory), nor a failed one
                self._close_page()

    def _open_page(self) -> None:
        self.target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._call("Target.attachToTarget", {"targetId": self.target, "flatten": True})
        self.session = attached["sessionId"]
        self._call("Page.enable", session=self.session)
        self._call("Page.setLifecycleEventsEnabled", {"enabled": True}, self.session)
        self._call("Emulation.setScriptExecutionDisabled", {"value": True}, self.session)

    def _close_page(self) -> None:
        target, self.target, self.session = self.target, None, None
        if target and self.process and self.process.poll() is None:
            with contextlib.suppress(BrowserGone, RuntimeError, OSError):
                self._call("Target.closeTarget", {"targetId": target})

    # The pipe: JSON messages, each ended by a NUL byte ----------------------------------------

    def _call(self, method: str, params: dict | None = None, session: str | None = None):
        self.ids += 1
        message = {"id": self.ids, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.commands, data) :]
        while True:
            answer = self._next()
            if answer.get("id") == self.ids:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def _wait_for_load(self, loader: str | None) -> None:
        """The load of this navigation, not a late one of the blank page before it."""

        def loaded():
            return any(
                e["method"] == "Page.lifecycleEvent"
                and e.get("sessionId") == self.session
                and e["params"].get("name") == "load"
                and e["params"].get("loaderId") == loader
                for e in self.events
            )

        while not loaded():
            answer = self._next()
            if "method" in answer:
                self.events.append(answer)

    def _next(self) -> dict:
        while (end := self.received.find(b"\0")) < 0:
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise BrowserGone("the browser closed its pipe")
            self.received += chunk
        message = bytes(self.received[:end])
        del self.received[: end + 1]
        return json.loads(message)


def _forget_folders_of_the_dead() -> None:
    """A worker killed at a limit leaves its browser's folder behind: remove those whose
    worker is gone."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        pid = folder.name.removeprefix(FOLDER_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def _fetching_nothing(html: str) -> str:
    head = HEAD.search(html)
    if head is None:  # not what our templates make: a head of its own, first
        return f"<head>{FETCH_NOTHING}</head>{html}"
    return html[: head.end()] + FETCH_NOTHING + html[head.end() :]
