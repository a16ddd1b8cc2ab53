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
import fcntl
import json
import os
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


class BrowserGone(Exception):
    pass


class Browser:
    def __init__(self, executable: str):
        self.executable = executable
        self.process: subprocess.Popen | None = None
        self.target = self.session = None
        self.ids = 0
        self.received = b""
        self.events: list[dict] = []

    # The process -------------------------------------------------------------------------

    def start(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="journeymap-print-")
        commands_read, self.commands = os.pipe()
        self.answers, answers_write = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4; move ours out of the way.
        commands_read, answers_write = (_above(fd, 5) for fd in (commands_read, answers_write))

        def pipes_at_3_and_4():
            os.dup2(commands_read, 3)
            os.dup2(answers_write, 4)

        profile = Path(self.folder.name, "profile")
        self.process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={profile}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,  # our own descriptors are not inheritable (PEP 446); 3 and 4 are
            preexec_fn=pipes_at_3_and_4,  # noqa: PLW1509 - no lock is taken in it
        )
        os.close(commands_read)
        os.close(answers_write)
        self.target = self.session = None
        self.received, self.events = b"", []

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
            self._call("Page.navigate", {"url": document.as_uri()}, self.session)
            self._wait_for("Page.loadEventFired")
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

    def _wait_for(self, event: str) -> None:
        while not any(
            e["method"] == event and e.get("sessionId") == self.session for e in self.events
        ):
            answer = self._next()
            if "method" in answer:
                self.events.append(answer)

    def _next(self) -> dict:
        while b"\0" not in self.received:
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise BrowserGone("the browser closed its pipe")
            self.received += chunk
        message, self.received = self.received.split(b"\0", 1)
        return json.loads(message)


def _above(fd: int, lowest: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, lowest)
    os.close(fd)
    return moved


def _fetching_nothing(html: str) -> str:
    head = html.find("<head>")
    if head < 0:
        return FETCH_NOTHING + html
    return html[: head + 6] + FETCH_NOTHING + html[head + 6 :]
