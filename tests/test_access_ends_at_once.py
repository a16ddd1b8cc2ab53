"""Access that ends reaches open sockets at once, in every case; sockets never see nor leak a
session id; a browser making up cookies gets no fresh connect budget."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache

from tests.test_socket_recheck import closed_with
from tests.test_workshop_sockets import ORIGIN, connect, cookie_of, make_world, receive
from workshops import broadcast, ratelimit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_closing_the_gallery_closes_guests_sockets_at_once(django_user_model, settings):
    settings.SOCKET_RECHECK_SECONDS = 3600  # nothing but the push can close it in time
    workshop, team_map, clients = await make_world(django_user_model)
    facilitator = clients["facilitator"]
    opened = f"/workshops/{workshop.pk}/control/gallery-open/"
    assert (await sync_to_async(facilitator.post)(opened)).status_code == 302
    # A participant of team B reads team A's map while the gallery is open.
    guest, connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["team_b"])])
    assert connected
    await receive(guest, "welcome")
    member, _, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["team_a"])])
    await receive(member, "welcome")
    closed = f"/workshops/{workshop.pk}/control/gallery-close/"
    assert (await sync_to_async(facilitator.post)(closed)).status_code == 302
    assert await closed_with(guest, timeout=3) == 4403
    await member.send_to(text_data=json.dumps({"type": "ping"}))
    await receive(member, "pong")  # team A's own member stays
    await member.disconnect()


async def test_a_session_logging_out_closes_its_sockets_before_the_store_forgets_it(
    django_user_model, settings
):
    """The logout signal comes before the session is flushed: with the in-memory layer the
    re-check used to run first, find the session still valid, and leave the socket open."""
    settings.SOCKET_RECHECK_SECONDS = 3600
    _workshop, team_map, clients = await make_world(django_user_model)
    facilitator = clients["facilitator"]
    communicator, connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(facilitator)])
    assert connected
    await receive(communicator, "welcome")
    session_key = facilitator.cookies["sessionid"].value
    user = await django_user_model.objects.aget(username="fac")
    # The session is still in the store, as at the moment the signal is sent.
    await sync_to_async(broadcast.end_session)(f"u{user.pk}", session_key)
    assert await closed_with(communicator, timeout=3) == 4403


async def test_presence_shows_a_viewer_by_a_digest_not_their_session(django_user_model):
    _workshop, team_map, clients = await make_world(django_user_model)
    viewer = clients["viewer"]
    session_key = viewer.cookies["sessionid"].value
    watcher, _, _ = await connect(team_map.pk, [ORIGIN, cookie_of(clients["facilitator"])])
    await receive(watcher, "welcome")
    communicator, connected, _ = await connect(team_map.pk, [ORIGIN, cookie_of(viewer)])
    assert connected
    welcome = await receive(communicator, "welcome")
    joined = await receive(watcher, "presence")
    for frame in (welcome, joined):
        assert session_key not in json.dumps(frame)
    assert welcome["member"]["user"] == f"v{ratelimit.hashed(session_key)}"
    # Nor do the counters' key names hold it.
    assert not [key for key in cache._cache if session_key in key]
    await communicator.disconnect()
    await watcher.disconnect()


async def test_made_up_cookies_do_not_reset_the_connect_limit(django_user_model, settings):
    settings.CONNECTS_PER_MINUTE = 100
    settings.CONNECTS_PER_ADDRESS_PER_MINUTE = 5
    _workshop, team_map, _clients = await make_world(django_user_model)
    codes = []
    for n in range(8):
        cookie = (b"cookie", f"sessionid=made-up-{n}".encode())
        communicator, connected, code = await connect(team_map.pk, [ORIGIN, cookie])
        codes.append(code)
    # No access (403 after the database check) for the first five; the rest are refused
    # before it, by the address's count.
    assert codes == [4403] * 5 + [4429] * 3
