"""PostgreSQL unreachable for a few seconds under a real daphne: writes answer 503 "not saved,
retrying" with nothing half-saved, /healthz says so, and when the database is back the same
resend lands once, without restarting anything. The database "goes away" behind a TCP proxy
(tests/faults.py) while PostgreSQL itself keeps running, so this runs in both passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

import psycopg
import pytest

from tests.conftest import need
from tests.faults import Proxy
from tests.servers import ROOT, Daphne, Editor

ADMIN = os.environ.get("PG_ADMIN_URL_FOR_TESTS", "postgresql://postgres@127.0.0.1:5432/postgres")
SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from maps.models import JourneyMap
user = get_user_model().objects.create_user("fac", is_staff=True)
journey_map = JourneyMap.objects.create_from_preset(title="장애", preset="funnel")
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(journey_map.pk, journey_map.stages.first().pk, session.session_key)
"""

pytestmark = pytest.mark.once


@pytest.fixture
def behind_a_proxy():
    try:
        psycopg.connect(ADMIN, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        need(False, f"This test needs PostgreSQL at {ADMIN}: {error}")
    name = f"jm_outage_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    proxy = Proxy(urllib.parse.urlsplit(ADMIN).port or 5432)
    url = f"postgres://postgres@127.0.0.1:{proxy.port}/{name}"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="journeymap.settings")
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, **run)
    made = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], check=True, **run)
    map_id, stage_id, session = made.stdout.strip().splitlines()[-1].split()
    server = Daphne(name="daphne-outage", env={"DATABASE_URL": url}).start()
    yield server, proxy, name, int(map_id), int(stage_id), session
    server.stop()
    proxy.close()
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    assert "Traceback" not in server.log(), server.log()


def fetch(server, path, editor=None, data=None, headers=None):
    headers = headers or (editor._headers() if editor else {})
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(server.url + path, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def cards_named(name: str, text: str) -> int:
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(url) as db:
        return db.execute("SELECT count(*) FROM maps_card WHERE text = %s", [text]).fetchone()[0]


def test_writes_say_not_saved_while_the_database_is_away_and_land_once_after(behind_a_proxy):
    server, proxy, name, map_id, stage_id, session = behind_a_proxy
    editor = Editor(server, session)
    editor.open_board(map_id)
    add = f"/maps/{map_id}/cards/add/"
    first = {"stage": stage_id, "lane": "action", "text": "전에 쓴 카드"}
    assert editor.post(add, {**first, "client_token": str(uuid.uuid4())}) == 200

    proxy.cut()
    resend = {"stage": stage_id, "lane": "action", "text": "끊긴 동안 쓴 카드"}
    resend["client_token"] = str(uuid.uuid4())
    status, headers, body = fetch(server, add, editor, resend)
    assert status == 503, body[:300]
    assert headers.get("Retry-After") == "3"
    assert "nothing was saved" in body or "저장되지 않았습니다" in body
    assert "Traceback" not in body
    status, _headers, body = fetch(server, "/healthz")
    assert status == 503 and json.loads(body)["database"] == "unavailable"
    # A page without htmx gets a page that says so and tries again by itself.
    cookie = {"Cookie": f"sessionid={session}"}
    status, _headers, page = fetch(server, f"/maps/{map_id}/", headers=cookie)
    assert status == 503 and 'http-equiv="refresh"' in page

    proxy.restore()
    # The browser resends the same form (same client_token): it lands, once.
    assert editor.post(add, resend) == 200
    assert editor.post(add, resend) == 200
    assert cards_named(name, "끊긴 동안 쓴 카드") == 1
    assert cards_named(name, "전에 쓴 카드") == 1
    status, _headers, body = fetch(server, "/healthz")
    assert status == 200 and json.loads(body)["database"] == "ok"
    assert "database unreachable" in server.log()  # one line each, no traceback
