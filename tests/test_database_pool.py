"""PostgreSQL's connections come from a pool per server process (journeymap/settings.py):
work that waits holds none of them."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from maps.models import JourneyMap
from tests.servers import Daphne
from tests.test_concurrent_writers import _editors
from workshops.offthread import then_give_back

pytestmark = pytest.mark.django_db(transaction=True)
HX = {"HX-Request": "true"}


def _status(request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_then_give_back_returns_the_thread_s_connection():
    def opened() -> bool:
        connection.ensure_connection()
        return connection.connection is not None

    def still_open() -> bool:
        return connection.connection is not None

    assert async_to_sync(then_give_back(opened))()
    # The same thread (asgiref's one thread for sync work outside a request) holds none now.
    assert not async_to_sync(then_give_back(still_open))()


@pytest.mark.once  # the pool is PostgreSQL's
def test_downloads_waiting_for_their_pdf_leave_the_pool_to_the_editors(django_user_model):
    """A server with a pool of two: two plain PDF downloads wait for the file (the worker and
    its browser start meanwhile), and an edit made while they wait still gets a connection."""
    journey_map = JourneyMap.objects.create_from_preset(title="연결 풀", preset="funnel")
    stage = journey_map.stages.first()
    env = {"JOURNEYMAP_DB_POOL_SIZE": "2", "JOURNEYMAP_DB_POOL_WAIT": "2"}
    server = Daphne(name="daphne-pool", env=env).start()
    try:
        (editor,) = _editors(server, django_user_model, journey_map, "pool", 1)
        url = f"{server.url}/maps/{journey_map.pk}/export.pdf"
        cookie = {"Cookie": f"sessionid={editor.session}"}
        got: list[bytes] = []

        def download():
            with urllib.request.urlopen(
                urllib.request.Request(url, headers=cookie), timeout=120
            ) as r:
                got.append(r.read())

        downloads = [threading.Thread(target=download) for _ in range(2)]
        for each in downloads:
            each.start()
        # Once the page's question says "being made", the downloads are waiting.
        asked = []
        while not asked or asked[-1] != 202 and any(each.is_alive() for each in downloads):
            asked.append(_status(urllib.request.Request(url, headers={**cookie, **HX})))
        added = editor.post(
            f"/maps/{journey_map.pk}/cards/add/",
            {"stage": stage.pk, "lane": "action", "text": "기다리는 동안 쓴 카드"},
        )
        waiting = sum(each.is_alive() for each in downloads)
        for each in downloads:
            each.join(120)
    finally:
        server.stop()
    assert asked[-1] == 202 and 503 not in asked, asked
    assert added == 200, server.log()[-2000:]
    assert waiting > 0  # answered while they wait (before, it waited for their connections)
    assert len(got) == 2 and all(pdf.startswith(b"%PDF") for pdf in got)
    assert "Traceback" not in server.log(), server.log()
