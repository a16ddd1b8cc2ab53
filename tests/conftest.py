"""Shared fixtures. Services the suite needs (PostgreSQL, Redis, Chromium, the Korean font)
skip with a reason when missing, unless STRICT=1 (CI), where a missing one fails."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess

import pytest
from django.conf import settings

STRICT = os.environ.get("STRICT") == "1"
REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/0")


def need(available: bool, reason: str) -> None:
    """Skip (or, under STRICT=1, fail) when something the test needs is missing."""
    if available:
        return
    if STRICT:
        pytest.fail(f"{reason} (STRICT=1: a missing dependency fails instead of skipping)")
    pytest.skip(reason)


def postgres_reachable() -> tuple[bool, str]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return True, ""
    import psycopg

    try:
        psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        return False, f"PostgreSQL at {db.get('HOST')}:{db.get('PORT')} is not reachable ({exc})"
    return True, ""


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def korean_font_installed() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True)
    return "NanumGothic" in out.stdout


def pytest_collection_modifyitems(config, items):
    """Tests marked `once` check something the database backend does not change (a cut
    connection to PostgreSQL, the pages' accessibility, the settings): they run in the
    PostgreSQL pass of `make test` only, so the two passes stay within the time budget.
    Deselected, not skipped: STRICT=1 fails on skips."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    keep = [item for item in items if item.get_closest_marker("once") is None]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


@pytest.fixture(scope="session")
def _database_reachable():
    ok, reason = postgres_reachable()
    need(ok, f"{reason}. Start PostgreSQL, or run only `make test-sqlite`.")


@pytest.fixture(scope="session")
def django_db_setup(_database_reachable, django_db_setup):
    """pytest-django's database set-up, after checking the server is there at all."""
    yield


@pytest.fixture(scope="session", autouse=True)
def _close_async_helper_connections(django_db_setup, django_db_blocker):
    """asgiref runs sync ORM calls of async tests on one shared thread, which keeps its own
    connection; close it before the test database is dropped (PostgreSQL refuses otherwise)."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connection, connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result()
    # Threads of async tests (asgiref's, Channels') that ended without closing a connection
    # leave sessions behind: end them, or the test database cannot be dropped.
    # (Only when this run made a test database: pytest-django makes none if no test asks.)
    made = connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"]
    if connection.vendor == "postgresql" and made:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count per person and minute in the (in-process) cache; ids repeat across
    tests, so each test starts with none counted."""
    from django.core.cache import cache

    from workshops.ratelimit import OpenSockets

    cache.clear()
    OpenSockets._local.clear()


@pytest.fixture
def redis_url():
    need(redis_reachable(), f"Redis is not reachable at {REDIS_URL}; start redis-server.")
    return REDIS_URL


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor", password="pw", is_staff=True, first_name="에디터"
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def journey_map(db):
    from maps.models import JourneyMap

    return JourneyMap.objects.create_from_preset(title="고객 여정", preset="funnel")


@pytest.fixture
def stages(journey_map):
    return list(journey_map.stages.all())


@pytest.fixture
def make_card(journey_map, stages):
    from maps.models import Card, Lane

    def make(text="카드", *, stage=None, lane=Lane.ACTION, **extra):
        stage = stage or stages[0]
        position = stage.cards.filter(lane=lane).count()
        return Card.objects.create(
            journey_map=stage.journey_map,
            stage=stage,
            lane=lane,
            text=text,
            position=position,
            **extra,
        )

    return make


@pytest.fixture
def daphne(transactional_db):
    """A real daphne process (in-memory channel layer) on the test database."""
    from tests.servers import Daphne

    server = Daphne().start()
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


@pytest.fixture
def workshop(db, editor):
    """A workshop with two teams (팀 A, 팀 B), each with a four-stage map."""
    from workshops.models import Workshop

    return Workshop.create(
        title="워크숍",
        date=datetime.date.today(),
        teams=["팀 A", "팀 B"],
        preset="funnel",
        facilitator=editor,
    )


@pytest.fixture
def sent(monkeypatch):
    """What would go to the rooms (broadcast.send's messages), in order, instead of sending."""
    from workshops import broadcast

    messages = []
    monkeypatch.setattr(broadcast, "send", lambda map_id, message: messages.append(message))
    return messages


@pytest.fixture
def join():
    """join(workshop, team_name) -> a Django test Client of a participant of that team."""
    from django.test import Client

    def join_as(workshop, team_name: str, name: str = "참가자"):
        client = Client()
        team = workshop.teams.get(name=team_name)
        response = client.post(
            f"/j/{workshop.join_token}/", {"display_name": name, "team": team.pk}
        )
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return join_as


def load_demo() -> None:
    """`seed_demo` as `make run` runs it (DEBUG on): the demo login has the README's password.
    (With DEBUG off it gets a random one: tests/test_seed_demo.py.)"""
    import io

    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def poppler():
    """pdftotext and friends, and the Korean font the PDFs are checked for."""
    need(shutil.which("pdftotext") is not None, "No poppler-utils (make test installs it).")
    need(korean_font_installed(), "No Korean font: `apt-get install fonts-nanum`.")


@pytest.fixture
def shop():
    """This process's printshop, counting the renders its workers do."""
    from workshops import printshop

    shop = printshop.shop()
    made = []
    for worker in shop.workers:
        render = worker.render

        def counted(job, render=render):
            made.append(job.key)
            return render(job)

        worker.render = counted
    yield shop, made
    for worker in shop.workers:
        del worker.render
