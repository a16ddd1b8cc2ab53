"""The PDF worker's browser, spoken to over its DevTools pipe (workshops/print_browser.py)."""

from __future__ import annotations

import contextlib
import http.server
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from workshops.print_browser import Browser
from workshops.printshop import descendants

pytestmark = pytest.mark.skipif(
    not os.path.exists(settings.CHROMIUM) and not os.environ.get("STRICT"),
    reason="no Chromium here",
)


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


@pytest.fixture
def asked():
    """A web server on this machine that notes every request it gets."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_the_pdf_fetches_nothing_the_document_points_at(asked, tmp_path):
    base, seen = asked
    html = (
        f'<!doctype html><html lang="ko"><head><link rel="stylesheet" href="{base}/a.css">'
        f"<style>@import url({base}/b.css); body {{ background: url({base}/c.png) }}</style>"
        f'</head><body><p>여정 지도</p><img src="{base}/d.png"><iframe src="{base}/e">'
        f'</iframe><script src="{base}/f.js"></script></body></html>'
    )
    with Browser(settings.CHROMIUM) as browser:
        pdf = browser.pdf(html)
    assert pdf.startswith(b"%PDF") and "여정 지도" in text_of(pdf, tmp_path)
    assert seen == []


def test_a_crashed_browser_is_started_again_for_the_next_pdf(tmp_path):
    html = '<!doctype html><html lang="ko"><head></head><body><p>{}</p></body></html>'
    with Browser(settings.CHROMIUM) as browser:
        assert "첫째" in text_of(browser.pdf(html.format("첫째")), tmp_path)
        first = browser.process.pid
        family = [first, *descendants(first)]
        for pid in family:
            os.kill(pid, signal.SIGKILL)
        browser.process.wait()
        assert "둘째" in text_of(browser.pdf(html.format("둘째")), tmp_path)
        assert browser.process.pid != first
    assert browser.process is None  # closed with the block, and its folder with it
    assert not os.path.exists(browser.folder.name)


def test_a_big_document_leaves_no_page_behind(tmp_path):
    html = '<!doctype html><html lang="ko"><head></head><body><p>큰 문서</p></body></html>'
    with Browser(settings.CHROMIUM) as browser:
        browser.pdf(html, fresh_after=True)
        assert browser.session is None
        for _ in range(50):  # closing a page is done soon after it is asked for
            targets = browser._call("Target.getTargets")["targetInfos"]
            if not [t for t in targets if t["type"] == "page"]:
                break
            time.sleep(0.1)
        assert not [t for t in targets if t["type"] == "page"]
        assert "큰 문서" in text_of(browser.pdf(html), tmp_path)  # a fresh page serves the next


def test_the_browser_gets_none_of_the_worker_s_descriptors(tmp_path):
    """Only its two pipe ends: not, say, the worker's pipe to the server."""
    secret = tmp_path / "worker-only"
    fd = os.open(secret, os.O_CREAT | os.O_RDWR)
    os.set_inheritable(fd, True)  # as a spawned process's pipe to its parent is
    try:
        with Browser(settings.CHROMIUM) as browser:
            browser.pdf('<!doctype html><html lang="ko"><head></head><body>x</body></html>')
            family = [browser.process.pid, *descendants(browser.process.pid)]
            opened = set()
            for pid in family:
                # A helper may end between listing and reading (a closed page's renderer).
                with contextlib.suppress(FileNotFoundError):
                    for entry in Path(f"/proc/{pid}/fd").iterdir():
                        with contextlib.suppress(OSError):
                            opened.add(os.readlink(entry))
        assert opened, "no descriptor was read at all"
        assert str(secret) not in opened
    finally:
        os.close(fd)
