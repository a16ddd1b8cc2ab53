"""A floor under the socket's own frame limit, in daphne itself.

The room socket closes with 4429 past FRAMES_PER_10S (workshops/consumers.py), but a client
that keeps blasting frames without reading gets no further: daphne waits for the close
handshake and meanwhile reads, decodes and queues every frame it sends. Measured
(benchmarks/flood.py): one such client took the others' push latency from 23 ms to 925 ms
and daphne to 950 MB. Past twice the socket's limit, this drops the TCP connection at once
and discards what is still buffered, which no ASGI application can do.

It patches daphne's WebSocketProtocol.onMessage when daphne is what serves us; under another
server it does nothing (put a proxy with connection limits in front there).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

log = logging.getLogger(__name__)
WINDOW = 10  # seconds, as FRAMES_PER_10S


def install() -> None:
    try:
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:
        return
    if getattr(WebSocketProtocol, "_journeymap_guarded", False):
        return
    on_message = WebSocketProtocol.onMessage

    def guarded(self, payload, is_binary):
        if getattr(self, "_jm_dropped", False):
            return
        now = time.monotonic()
        start, count = getattr(self, "_jm_window", (now, 0))
        if now - start > WINDOW:
            start, count = now, 0
        self._jm_window = (start, count + 1)
        if count + 1 > 2 * settings.FRAMES_PER_10S:
            self._jm_dropped = True
            log.warning("dropped a socket sending more than %d frames in %d s", count, WINDOW)
            self.dropConnection(abort=True)
            return
        on_message(self, payload, is_binary)

    WebSocketProtocol.onMessage = guarded
    WebSocketProtocol._journeymap_guarded = True
