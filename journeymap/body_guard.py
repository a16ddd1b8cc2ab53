"""A request-body limit in daphne itself, before any of the body is kept.

daphne keeps a request's body (in memory, or a temporary file past 100 KB) and then hands all
of it to the application at once: measured, one 300 MB anonymous POST added 300 MB to the
process, whatever Django's own limits say afterwards. Nothing journeymap accepts is larger
than an import (2 MB) and its form, so past REQUEST_BODY_MAX_BYTES the request is answered
413 as soon as its Content-Length arrives (or, sent in chunks, as soon as it grows past the
limit) and the connection is closed; what the client still sends is not read.

It patches daphne's WebRequest when daphne is what serves us; under another server it does
nothing. In production the proxy in front (docker-compose.yml: nginx, client_max_body_size)
refuses such bodies first.
"""

from __future__ import annotations

import logging

from django.conf import settings

log = logging.getLogger(__name__)


class _Discard:
    """Where the rest of a refused body goes: nowhere."""

    closed = False

    def write(self, data):
        pass

    def seek(self, *args):
        pass

    def read(self, *args):
        return b""

    def close(self):
        self.closed = True


def install() -> None:
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:
        return
    if getattr(WebRequest, "_journeymap_body_limit", False):
        return
    got_length, content_chunk, process = (
        WebRequest.gotLength,
        WebRequest.handleContentChunk,
        WebRequest.process,
    )

    def refuse(self):
        self._jm_refused = True
        self.content = _Discard()
        limit = settings.REQUEST_BODY_MAX_BYTES
        body = f"Request body larger than {limit // (1024 * 1024)} MB.\n".encode()
        self.channel.transport.write(
            b"HTTP/1.1 413 Content Too Large\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n"
            b"Connection: close\r\n\r\n" + body
        )
        self.channel.transport.loseConnection()
        log.warning("refused a request body over %d bytes", limit)

    def guarded_length(self, length):
        self._jm_received = 0
        if length is not None and length > settings.REQUEST_BODY_MAX_BYTES:
            refuse(self)
            return None
        return got_length(self, length)

    def guarded_chunk(self, data):
        if getattr(self, "_jm_refused", False):
            return None
        self._jm_received = getattr(self, "_jm_received", 0) + len(data)
        if self._jm_received > settings.REQUEST_BODY_MAX_BYTES:  # chunked, no length given
            refuse(self)
            return None
        return content_chunk(self, data)

    def guarded_process(self):
        if getattr(self, "_jm_refused", False):
            return None
        return process(self)

    WebRequest.gotLength = guarded_length
    WebRequest.handleContentChunk = guarded_chunk
    WebRequest.process = guarded_process
    WebRequest._journeymap_body_limit = True
