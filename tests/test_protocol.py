"""The names the server and the browser share are written once, in workshops/protocol.py: the
page hands them to the JavaScript, which keeps no copies."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from workshops import protocol

pytestmark = pytest.mark.django_db
STATIC_JS = Path(__file__).resolve().parent.parent / "static" / "js"


def test_the_board_hands_the_protocol_to_the_browser(editor_client, journey_map):
    page = editor_client.get(journey_map.get_absolute_url()).content.decode()
    data = re.search(r'<body [^>]*data-protocol="([^"]*)"', page).group(1)
    assert json.loads(html.unescape(data)) == protocol.for_browser()
    assert f'data-live-socket="/ws/maps/{journey_map.pk}/"' in page
    assert f'name="{protocol.CLIENT_TOKEN}"' in page


def test_the_javascript_holds_no_copy_of_the_names():
    for script in STATIC_JS.glob("*.js"):
        text = script.read_text()
        assert protocol.PUSH_MARK not in text, script.name
        assert protocol.SEQ_HEADER not in text, script.name
        assert f"name={protocol.CLIENT_TOKEN}" not in text, script.name


def test_the_socket_path_is_the_route_channels_serves():
    from channels.routing import URLRouter

    from workshops.routing import websocket_urlpatterns

    path = protocol.socket_path(12)
    assert path == "/ws/maps/12/"
    match = URLRouter(websocket_urlpatterns).routes[0].pattern.match(path[1:])
    assert match and match[2] == {"map_id": 12}
