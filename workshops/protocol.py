"""The names the server and the browser share, defined once.

The JavaScript reads them from the page (`data-protocol` on `<body>`, written by
`{% live_protocol %}` in `_base.html`), so live.js and journeymap.js hold no copies; tests and
benchmarks import them from here.
"""

from __future__ import annotations

from maps.forms import CLIENT_TOKEN

# An editor's answer carries the part that replaces what they clicked, then this mark, then the
# very push the room gets (applied in sequence order like any push).
PUSH_MARK = "<!--journeymap-push-->"
# The sequence number of the push an answer carries, or of the board a re-read returns.
SEQ_HEADER = "X-Journeymap-Seq"
# The room of a map, as Channels routes it (workshops/routing.py) and pages open it.
SOCKET_ROUTE = "ws/maps/<int:map_id>/"


def socket_path(map_id: int) -> str:
    return "/" + SOCKET_ROUTE.replace("<int:map_id>", str(int(map_id)))


def for_browser() -> dict:
    return {"pushMark": PUSH_MARK, "seqHeader": SEQ_HEADER, "tokenField": CLIENT_TOKEN}


__all__ = ["CLIENT_TOKEN", "PUSH_MARK", "SEQ_HEADER", "SOCKET_ROUTE", "for_browser", "socket_path"]
