"""The room socket, through the real ASGI application (origin check, session auth, routing)."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from journeymap.asgi import application
from maps.models import JourneyMap
from workshops import broadcast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://localhost")


def session_cookie(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


@sync_to_async
def make_map_and_editor(django_user_model):
    journey_map = JourneyMap.objects.create_from_preset(title="라이브", preset="funnel")
    user = django_user_model.objects.create_user("live", is_staff=True, first_name="김라이브")
    return journey_map, user, session_cookie(user)


async def connect(journey_map, headers):
    communicator = WebsocketCommunicator(
        application, f"/ws/maps/{journey_map.pk}/", headers=headers
    )
    connected, code = await communicator.connect()
    return communicator, connected, code


async def receive(communicator, kind: str, timeout: float = 2):
    """The next frame of `kind`, skipping others (presence chatter)."""
    while True:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        if frame["type"] == kind:
            return frame


async def test_a_logged_in_editor_joins_and_is_announced(django_user_model):
    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    communicator, connected, _ = await connect(journey_map, [ORIGIN, cookie])
    assert connected
    welcome = await receive(communicator, "welcome")
    assert welcome["member"]["name"] == "김라이브"
    roster = await receive(communicator, "presence")
    assert roster["event"] == "roster"
    assert [m["name"] for m in roster["members"]] == ["김라이브"]
    await communicator.disconnect()


async def test_without_a_session_the_socket_is_refused(django_user_model):
    journey_map, _user, _cookie = await make_map_and_editor(django_user_model)
    _communicator, connected, code = await connect(journey_map, [ORIGIN])
    assert not connected and code == 4403


async def test_a_foreign_origin_is_refused(django_user_model):
    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    _c, connected, _ = await connect(journey_map, [(b"origin", b"http://evil.example"), cookie])
    assert not connected


async def test_no_origin_is_refused(django_user_model):
    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    _c, connected, _ = await connect(journey_map, [cookie])
    assert not connected


async def test_a_missing_map_is_refused(django_user_model):
    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    gone = JourneyMap(pk=journey_map.pk)
    await sync_to_async(journey_map.delete)()
    _c, connected, code = await connect(gone, [ORIGIN, cookie])
    assert not connected and code == 4403


async def changes(communicator, kind: str) -> list[dict]:
    """The changes of the next presence batch that holds one of `kind` (within a few s)."""
    while True:
        frame = await receive(communicator, "presence")
        found = [c for c in frame.get("events", []) if c["event"] == kind]
        if frame["event"] == "batch" and found:
            return found


async def test_others_see_who_joins_edits_and_leaves(django_user_model):
    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    first, _, _ = await connect(journey_map, [ORIGIN, cookie])
    await receive(first, "presence")  # the roster: itself
    second, _, _ = await connect(journey_map, [ORIGIN, cookie])
    second_id = (await receive(second, "welcome"))["member"]["id"]
    roster = await receive(second, "presence")
    assert roster["event"] == "roster" and len(roster["members"]) == 2
    assert second_id in [c["member"]["id"] for c in await changes(first, "join")]

    await second.send_to(text_data=json.dumps({"type": "editing", "card": 7}))
    editing = (await changes(first, "here"))[0]["member"]
    assert (editing["id"], editing["card"]) == (second_id, 7)

    await second.disconnect()
    left = await changes(first, "leave")
    assert [c["member"]["id"] for c in left] == [second_id]
    await first.disconnect()


async def test_bad_frames_get_an_error_and_the_socket_stays_usable(django_user_model):
    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    communicator, _, _ = await connect(journey_map, [ORIGIN, cookie])
    for bad in ["not json", "[1, 2]", '{"no": "type"}', '{"type": "drop_tables"}']:
        await communicator.send_to(text_data=bad)
        error = await receive(communicator, "error")
        assert error["reason"]
    await communicator.send_to(text_data='{"type": "ping"}')
    assert (await receive(communicator, "pong"))["type"] == "pong"
    await communicator.disconnect()


async def test_a_huge_frame_closes_the_socket_with_a_reason(django_user_model):
    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    communicator, _, _ = await connect(journey_map, [ORIGIN, cookie])
    await communicator.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 20_000}))
    while True:
        output = await communicator.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 4009 and output["reason"]


async def test_deleting_the_map_closes_its_room_with_a_reason(django_user_model):
    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    communicator, _, _ = await connect(journey_map, [ORIGIN, cookie])
    await receive(communicator, "welcome")
    await sync_to_async(journey_map.delete)()
    error = await receive(communicator, "error")
    assert "deleted" in error["reason"]
    while (output := await communicator.receive_output(timeout=2))["type"] != "websocket.close":
        pass
    assert output["code"] == 4410


async def test_a_push_reaches_every_socket_without_a_trip_to_the_sync_thread(
    django_user_model, monkeypatch
):
    # Channels' default dispatch closes stale database connections on the one sync thread
    # before every message: a hop per socket per push, shared with the HTTP views.
    import channels.db

    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    sockets = [(await connect(journey_map, [ORIGIN, cookie]))[0] for _ in range(3)]
    for communicator in sockets:
        await receive(communicator, "welcome")
    hops = []
    monkeypatch.setattr(channels.db, "close_old_connections", lambda: hops.append(1))
    await sync_to_async(broadcast.send)(
        journey_map.pk, {"type": "room.push", "seq": 1, "html": "<p>모두</p>", "by": ""}
    )
    for communicator in sockets:
        assert (await receive(communicator, "push"))["html"] == "<p>모두</p>"
    assert hops == []
    for communicator in sockets:
        await communicator.disconnect()


@pytest.mark.parametrize(
    "error, closed",
    [
        (RuntimeError("readuntil() called while another coroutine is already waiting"), True),
        (RuntimeError("something else broke"), False),
    ],
)
async def test_a_layer_reconnect_race_closes_try_again_later(
    django_user_model, monkeypatch, error, closed
):
    """Sockets connecting while Redis comes back race on the layer's shared connection (seen
    in the soak); that socket closes with 1013 and reconnects. Other errors still surface."""
    from channels.layers import get_channel_layer

    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    layer = get_channel_layer()

    async def racing(*args, **kwargs):
        raise error

    monkeypatch.setattr(layer, "new_channel", racing)
    communicator = WebsocketCommunicator(
        application, f"/ws/maps/{journey_map.pk}/", headers=[ORIGIN, cookie]
    )
    if closed:
        connected, code = await communicator.connect()
        assert (connected, code) == (False, 1013)
    else:
        with pytest.raises(RuntimeError, match="something else"):
            await communicator.connect()


async def frames_within(communicator, seconds: float) -> list[str]:
    """The types of every frame that arrives within `seconds`."""
    kinds = []
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        # receive_from's timeout would cancel the application: look before reading
        if not await communicator.receive_nothing(timeout=0.05, interval=0.01):
            kinds.append(json.loads(await communicator.receive_from())["type"])
    return kinds


@pytest.mark.parametrize(
    ("echo", "pings_before_paused"),
    [("refused", 1), ("not taken", 1), ("late", 2)],
)
async def test_paused_when_the_layer_is_away_not_when_one_echo_is_late(
    django_user_model, monkeypatch, echo, pings_before_paused
):
    """A refused or hanging send is the layer away: "paused" at once. An echo sent but not
    heard in time is a busy process: only the second late one in a row says "paused"."""
    from channels.layers import get_channel_layer

    from workshops import guards

    monkeypatch.setattr(guards, "ECHO_WAIT", 0.3)
    journey_map, _user, cookie = await make_map_and_editor(django_user_model)
    layer = get_channel_layer()
    send = layer.send

    async def troubled(channel, message):
        if message.get("type") != "room.echo":
            return await send(channel, message)
        if echo == "refused":
            raise ConnectionError("layer away")
        if echo == "not taken":
            await asyncio.sleep(10)
        # late: taken, never delivered

    monkeypatch.setattr(layer, "send", troubled)
    communicator, connected, _ = await connect(journey_map, [ORIGIN, cookie])
    assert connected
    await receive(communicator, "welcome")
    heard = []
    for _ in range(pings_before_paused):
        await communicator.send_to(text_data=json.dumps({"type": "ping"}))
        heard.append(await frames_within(communicator, 1))
    assert all("paused" not in kinds for kinds in heard[:-1]), heard
    assert heard[-1].count("paused") == 1, heard
    await communicator.disconnect()
