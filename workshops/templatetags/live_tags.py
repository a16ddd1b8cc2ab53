"""What pages need to talk to the live layer: the protocol's names and a room's address."""

from __future__ import annotations

import json

from django import template

from workshops import protocol

register = template.Library()


@register.simple_tag
def live_protocol() -> str:
    """The protocol's names for live.js and journeymap.js, as JSON for a data attribute
    (escaped there like any value; the page holds no script of its own)."""
    return json.dumps(protocol.for_browser())


@register.simple_tag
def socket_path(map_id) -> str:
    return protocol.socket_path(map_id)
