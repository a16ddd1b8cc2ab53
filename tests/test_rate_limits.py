"""A flood is slowed or cut off; everyone else keeps working."""

from __future__ import annotations

import json
import time

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from maps.models import Card
from tests.test_workshop_sockets import ORIGIN, connect, cookie_of, make_world, receive
from workshops import ratelimit

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.django_db
def test_a_flood_of_writes_is_refused_with_429_and_others_keep_writing(workshop, join, settings):
    settings.WRITES_PER_MINUTE = 5
    team_map = workshop.teams.get(name="팀 A").journey_map
    stage = team_map.stages.first()
    flooder, colleague = join(workshop, "팀 A", "홍수"), join(workshop, "팀 A", "동료")
    path = reverse("maps:card-add", args=[team_map.pk])
    answers = [
        flooder.post(path, {"stage": stage.pk, "lane": "action", "text": f"{i}"}, **HTMX)
        for i in range(8)
    ]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    assert answers[-1]["Content-Type"].startswith("text/plain")
    assert "5" in answers[-1].content.decode()
    assert Card.objects.count() == 5
    other = colleague.post(path, {"stage": stage.pk, "lane": "action", "text": "동료"}, **HTMX)
    assert other.status_code == 200 and Card.objects.count() == 6


def test_the_window_counts_and_a_new_window_starts_again(settings):
    assert [ratelimit.hit("t:key", 3, 3600) for _ in range(5)] == [True] * 3 + [False] * 2
    assert ratelimit.hit("t:other", 3, 3600)


def test_open_sockets_hold_at_most_the_limit_and_each_expires_on_its_own(monkeypatch):
    sockets = ratelimit.OpenSockets("t:person", ttl=60)
    assert [sockets.open(f"s{n}", 2) for n in range(3)] == [True, True, False]
    sockets.close("s0")
    assert sockets.open("s3", 2) is True
    # s1 stops saying it is open (its server died); s3 keeps saying so.
    later = time.time() + 45
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    sockets.still_open("s3")
    monkeypatch.setattr(ratelimit.time, "time", lambda: later + 30)
    assert sockets.count() == 1
    assert sockets.open("s4", 2) is True


def test_open_sockets_in_redis_expire_each_on_its_own(redis_url, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    redis = RedisCache(redis_url, {"KEY_PREFIX": f"test-sockets-{time.time_ns()}"})
    monkeypatch.setattr(ratelimit, "cache", redis)
    sockets = ratelimit.OpenSockets("t:person", ttl=60)
    assert sockets._redis() is not None
    assert [sockets.open(f"s{n}", 2) for n in range(3)] == [True, True, False]
    sockets.close("s0")
    assert sockets.open("s2", 2) is True
    later = time.time() + 45
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    sockets.still_open("s2")
    monkeypatch.setattr(ratelimit.time, "time", lambda: later + 30)
    assert sockets.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_socket_flooding_frames_is_cut_off_and_the_room_goes_on(
    django_user_model, settings
):
    settings.FRAMES_PER_10S = 20
    _workshop, team_map, clients = await make_world(django_user_model)
    flooder, ok, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["team_a"])])
    calm, calm_ok, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["facilitator"])])
    assert ok and calm_ok
    for _ in range(60):
        await flooder.send_to(text_data=json.dumps({"type": "ping"}))
    while True:
        output = await flooder.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 4429
    await calm.send_to(text_data=json.dumps({"type": "ping"}))
    await receive(calm, "pong")
    await calm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_one_person_cannot_open_unbounded_sockets(django_user_model, settings):
    settings.SOCKETS_PER_PERSON = 2
    _workshop, team_map, clients = await make_world(django_user_model)
    headers = [ORIGIN, cookie_of(clients["team_a"])]
    first, ok1, _ = await connect(team_map.pk, headers)
    second, ok2, _ = await connect(team_map.pk, headers)
    third, ok3, code = await connect(team_map.pk, headers)
    assert (ok1, ok2, ok3, code) == (True, True, False, 4429)
    # Someone else is not affected, and closing one frees a place.
    other, ok_other, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["facilitator"])])
    assert ok_other
    await first.disconnect()
    again, ok_again, _ = await connect(team_map.pk, headers)
    assert ok_again
    for communicator in (second, other, again):
        await communicator.disconnect()
    assert await sync_to_async(Client().get)("/healthz") is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_reconnecting_again_and_again_is_refused_before_any_work(django_user_model, settings):
    settings.CONNECTS_PER_MINUTE = 3
    _workshop, team_map, clients = await make_world(django_user_model)
    headers = [ORIGIN, cookie_of(clients["team_a"])]
    for _ in range(3):
        communicator, ok, _ = await connect(team_map.pk, headers)
        assert ok
        await communicator.disconnect()
    _communicator, ok, code = await connect(team_map.pk, headers)
    assert (ok, code) == (False, 4429)
    # Another browser is counted on its own.
    other, ok_other, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["facilitator"])])
    assert ok_other
    await other.disconnect()


@pytest.mark.django_db(transaction=True)
def test_daphne_drops_a_client_that_blasts_frames_without_reading(django_user_model):
    """The socket's 4429 needs a close handshake the flooder never completes; past twice the
    limit daphne drops the TCP connection itself (journeymap/frame_guard.py)."""
    import websockets.sync.client

    from maps.models import JourneyMap
    from tests.servers import Daphne

    journey_map = JourneyMap.objects.create_from_preset(title="홍수", preset="funnel")
    user = django_user_model.objects.create_user("flood", is_staff=True)
    client = Client()
    client.force_login(user)
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    server = Daphne(name="daphne-flood", env={"FRAMES_PER_10S": "20"}).start()
    try:
        url = f"ws://127.0.0.1:{server.port}/ws/maps/{journey_map.pk}/"
        sent = 0
        with (
            websockets.sync.client.connect(url, origin=server.url, additional_headers=cookie) as ws,
            pytest.raises(websockets.exceptions.ConnectionClosed),
        ):
            for sent in range(1, 200_000):  # noqa: B007
                ws.send('{"type": "ping"}')
        assert sent < 200_000  # cut off long before the flooder was done
        with websockets.sync.client.connect(
            url, origin=server.url, additional_headers=cookie
        ) as ws:
            ws.send('{"type": "ping"}')
            while json.loads(ws.recv(timeout=5))["type"] != "pong":
                pass
    finally:
        server.stop()
    assert "dropped a socket sending more than" in server.log()
    assert "Traceback" not in server.log()
