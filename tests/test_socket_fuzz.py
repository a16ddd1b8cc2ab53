"""Property-based tests (hypothesis) of the room socket: whatever a client sends, each frame
gets its answer in order (a pong or an error with a reason; "editing" is answered by the next
presence batch, within a second); no frame kills the connection or leaks a traceback, and the
room works afterwards."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.asgi import application
from maps.models import JourneyMap

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]
ORIGIN = (b"origin", b"http://localhost")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["ping", "editing", "push", "resync", "welcome", "PING", "__proto__"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["type", "card", "seq", "html", "", "type "]), inner),
    ),
    max_leaves=12,
)
# Mostly objects with a type, so the frames reach past the parser.
objects = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(["ping", "editing"]), json_values)},
    optional={"card": json_values, "seq": json_values, "html": json_values},
)
frames = st.one_of(
    objects.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=200),  # not JSON at all, control characters and RTL marks included
    st.sampled_from(["{", "null", "[]", '"type"', "{}" * 1000, '{"type": NaN}']),
)


def expected_answer(text: str) -> str:
    """What the consumer owes a frame: a pong, a presence event (for "editing"), or an error."""
    try:
        kind = json.loads(text)["type"]
    except (ValueError, TypeError, KeyError):
        return "error"
    if not isinstance(kind, str):
        return "error"
    return {"ping": "pong", "editing": "presence"}.get(kind, "error")


async def answers_for(path: str, cookie, sent: list[str]) -> list[dict]:
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN, cookie])
    connected, _ = await communicator.connect()
    assert connected
    while json.loads(await communicator.receive_from(timeout=2))["type"] != "welcome":
        pass
    # The room's roster comes with the hub's next flush. Sent before it, an editing note is in
    # that roster (a newcomer gets no batch beside it); after it, in a batch: wait for it, so
    # the answer does not depend on how long the connect took (longer on PostgreSQL).
    while json.loads(await communicator.receive_from(timeout=3)).get("event") != "roster":
        pass
    for text in sent:
        # send_input, not send_to: a browser may send an empty text frame.
        await communicator.send_input({"type": "websocket.receive", "text": text})
    # A last ping: once its pong is here, every earlier frame has been answered.
    await communicator.send_to(text_data='{"type": "ping"}')
    # Pongs come straight back, so the last one is the pong of that last ping.
    pongs_owed = 1 + sum(expected_answer(text) == "pong" for text in sent)
    received = []
    while pongs_owed:
        frame = json.loads(await communicator.receive_from(timeout=5))
        received.append(frame)
        pongs_owed -= frame["type"] == "pong"
    if any(expected_answer(text) == "presence" for text in sent):
        # The hub's next batch (at most a second later) carries this member's editing state.
        while not any(is_batch(frame) for frame in received):
            received.append(json.loads(await communicator.receive_from(timeout=3)))
    await communicator.disconnect()
    return received


def is_batch(frame: dict) -> bool:
    return frame["type"] == "presence" and frame["event"] == "batch"


@pytest.fixture
def room(django_user_model, settings, monkeypatch):
    from workshops import presence

    monkeypatch.setattr(presence, "FLUSH", 0.1)  # batches ten times a second: a shorter run
    settings.FRAMES_PER_10S = 10_000  # the flood limit has its own tests
    settings.CONNECTS_PER_MINUTE = 10_000
    journey_map = JourneyMap.objects.create_from_preset(title="퍼징", preset="funnel")
    user = django_user_model.objects.create_user("fuzz", is_staff=True)
    client = Client()
    client.force_login(user)
    cookie = (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())
    return f"/ws/maps/{journey_map.pk}/", cookie


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sent=st.lists(frames, min_size=1, max_size=25))
def test_every_frame_gets_its_answer_in_order_and_the_socket_lives(room, sent):
    path, cookie = room
    received = async_to_sync(answers_for)(path, cookie, sent)
    owed = [expected_answer(text) for text in sent] + ["pong"]
    # Pongs and errors come straight back, one per frame, in order.
    assert [f["type"] for f in received if f["type"] in ("pong", "error")] == [
        kind for kind in owed if kind != "presence"
    ]
    changes = [change for f in received if is_batch(f) for change in f["events"]]
    if "presence" in owed:
        assert changes
    for change in changes:
        card = change["member"].get("card")
        assert card is None or type(card) is int  # never True, 1.5 or a string
    for frame in received:
        if frame["type"] == "error":
            assert frame["reason"] and "Traceback" not in frame["reason"]
