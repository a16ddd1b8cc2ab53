"""Pushes: after commit only, in sequence, the same HTML the editor gets."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from maps.models import Card, JourneyMap, Lane
from workshops import broadcast
from workshops.protocol import SEQ_HEADER

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(
        broadcast, "send", lambda map_id, message: messages.append((map_id, message))
    )
    return messages


def test_a_committed_edit_is_pushed_with_the_next_sequence_number(
    editor_client, journey_map, stages, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("maps:card-add", args=[journey_map.pk]),
            {"stage": stages[0].pk, "lane": "touchpoint", "text": "앱 푸시 알림"},
            **HTMX,
        )
    [(map_id, message)] = sent
    assert map_id == journey_map.pk
    assert message["type"] == "room.push" and message["seq"] == 1 and message["by"] == "에디터"
    assert f'hx-swap-oob="beforeend:#cards-{stages[0].pk}-touchpoint"' in message["html"]
    # The editor's answer carries the very same fragments, after its fresh add form.
    assert response.content.decode().endswith(message["html"])
    journey_map.refresh_from_db()
    assert journey_map.seq == 1


def test_a_rolled_back_change_is_not_pushed(journey_map, sent, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        broadcast.tell_room(journey_map, "<p>never</p>")
        raise RuntimeError("the edit failed")
    assert callbacks == [] and sent == []
    journey_map.refresh_from_db()
    assert journey_map.seq == 0


def test_invalid_input_is_neither_saved_nor_pushed(
    editor_client, journey_map, stages, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("maps:card-add", args=[journey_map.pk]),
            {"stage": stages[0].pk, "lane": "action", "text": ""},
            **HTMX,
        )
    assert sent == []
    journey_map.refresh_from_db()
    assert journey_map.seq == 0


def test_every_kind_of_edit_bumps_the_sequence(
    editor_client, journey_map, stages, make_card, sent, django_capture_on_commit_callbacks
):
    tp = make_card("웹사이트", lane=Lane.TOUCHPOINT)
    opp = make_card("기회", lane=Lane.OPPORTUNITY)
    url = lambda name, *a: reverse(f"maps:{name}", args=[journey_map.pk, *a])  # noqa: E731
    edits = [
        ("card-mot", [tp.pk], {}),
        ("card-update", [tp.pk], {"text": "새 글", "version": 1}),
        ("card-move", [tp.pk], {"direction": "right"}),
        ("emotion-add", [], {"touchpoint": tp.pk, "score": -1}),
        ("plan-add", [], {"opportunity": opp.pk, "what": "할 일", "status": "todo"}),
        ("stage-add", [], {"name": "재구매"}),
        ("persona-update", [], {"name": "김정훈"}),
        ("details-update", [], {"title": "t", "map_type": "current"}),
        ("card-delete", [opp.pk], {}),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for name, args, data in edits:
            assert editor_client.post(url(name, *args), data, **HTMX).status_code == 200, name
    assert [message["seq"] for _, message in sent] == list(range(1, len(edits) + 1))


def test_a_shared_persona_edit_reaches_every_map_showing_it(
    editor_client, journey_map, sent, django_capture_on_commit_callbacks
):
    from maps.models import Persona

    persona = Persona.objects.create(name="A")
    other = JourneyMap.objects.create(title="other", persona=persona)
    JourneyMap.objects.filter(pk=journey_map.pk).update(persona=persona)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("maps:persona-update", args=[journey_map.pk]), {"name": "B"}, **HTMX
        )
    assert {map_id for map_id, _ in sent} == {journey_map.pk, other.pk}


def test_the_snapshot_says_204_when_nothing_changed_since(editor_client, journey_map):
    url = reverse("maps:snapshot", args=[journey_map.pk])
    assert editor_client.get(url + "?since=0").status_code == 204
    JourneyMap.objects.filter(pk=journey_map.pk).update(seq=3)
    response = editor_client.get(url + "?since=1")
    assert response.status_code == 200 and response[SEQ_HEADER] == "3"
    html = response.content.decode()
    parts = ['id="map-header"', 'id="board-grid"', 'id="cards--unsorted"', 'id="curve"']
    for part in [*parts, 'id="plans"']:
        assert part in html
    assert html.count('hx-swap-oob="true"') == 5


def test_the_snapshot_needs_access(client, journey_map):
    assert client.get(reverse("maps:snapshot", args=[journey_map.pk])).status_code == 302


@pytest.mark.django_db(transaction=True)  # real commits, as in production
def test_a_change_in_the_admin_tells_the_room_to_re_read_the_board(
    admin_client, journey_map, make_card, sent, django_capture_on_commit_callbacks
):
    card = make_card("관리자가 고칠 카드")
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:maps_card_change", args=[card.pk]),
            {
                "stage": card.stage_id,
                "lane": "action",
                "position": 0,
                "text": "관리자가 고침",
                "channel": "",
                "channel_other": "",
                "is_direct": "on",
                "votes": 0,
                "version": 1,
            },
        )
    assert [(m, msg["type"]) for m, msg in sent] == [(journey_map.pk, "room.resync")]
    journey_map.refresh_from_db()
    assert sent[0][1]["seq"] == journey_map.seq > 0


def test_a_change_made_outside_any_action_reaches_the_room_once(
    journey_map, stages, sent, django_capture_on_commit_callbacks
):
    """A shell or a data migration writes rows directly: the room re-reads, once per
    transaction however many rows of the map changed."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        card = Card.objects.create(stage=stages[0], lane=Lane.ACTION, text="셸에서")
        card.text = "셸에서 고침"
        card.save()
        stages[1].name = "새 이름"
        stages[1].save()
    assert [(m, msg["type"]) for m, msg in sent] == [(journey_map.pk, "room.resync")]


def test_a_raw_change_after_a_rolled_back_one_still_reaches_the_room(
    journey_map, stages, sent, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        Card.objects.create(stage=stages[0], lane=Lane.ACTION, text="되돌릴 것")
        raise RuntimeError("rolled back")
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Card.objects.create(stage=stages[0], lane=Lane.ACTION, text="남는 것")
    assert [msg["type"] for _m, msg in sent] == ["room.resync"]


def test_a_management_command_writes_through_actions_and_pushes_nothing_twice(
    journey_map, sent, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo = JourneyMap.objects.exclude(pk=journey_map.pk).get(team=None)
    # A new map: nobody can be in its room yet, so its action tells nobody; the workshop's
    # team maps likewise, but for closing the finished workshop, which its action tells each
    # team's room once. Nothing is caught twice by the signals.
    assert demo.cards.count() > 20
    from workshops.models import Workshop

    held = Workshop.objects.exclude(closed_at=None).get()
    team_maps = sorted(held.teams.values_list("journey_map_id", flat=True))
    assert sorted(m for m, _msg in sent) == team_maps


def test_a_board_edit_is_pushed_once_not_also_as_a_resync(
    editor_client, journey_map, stages, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("maps:card-add", args=[journey_map.pk]),
            {"stage": stages[0].pk, "lane": "action", "text": "한 번"},
            **HTMX,
        )
    assert [msg["type"] for _, msg in sent] == ["room.push"]


def test_pushed_text_is_escaped(
    editor_client, journey_map, stages, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("maps:card-add", args=[journey_map.pk]),
            {
                "stage": stages[0].pk,
                "lane": "action",
                "text": "<img src=x onerror=alert(1)><script>alert(2)</script>",
            },
            **HTMX,
        )
    [(_, message)] = sent
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in message["html"]
    assert "<img" not in message["html"] and "<script" not in message["html"]


def test_a_push_carries_no_csrf_token(
    editor_client, journey_map, stages, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("maps:card-add", args=[journey_map.pk]),
            {"stage": stages[0].pk, "lane": "touchpoint", "text": "앱 푸시"},
            **HTMX,
        )
    [(_map_id, message)] = sent
    assert "data-lazy " in message["html"]  # the new touchpoint's emotion form, to be opened
    assert "csrfmiddlewaretoken" not in message["html"]


def test_a_pushed_add_form_carries_no_client_token(
    editor_client, journey_map, stages, sent, django_capture_on_commit_callbacks
):
    """One token in a form the whole room received would make everyone's add after the first
    look like a resend of it, and be dropped; each browser makes its own (journeymap.js)."""
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("maps:card-add", args=[journey_map.pk]),
            {"stage": stages[0].pk, "lane": "touchpoint", "text": "앱"},
            **HTMX,
        )
    [(_map_id, message)] = sent
    # A push carries no form at all now (they load when opened), so no token to share.
    assert "client_token" not in message["html"]
    # The page's form templates leave it empty too: each browser makes one per add.
    page = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert set(re.findall(r'name="client_token" value="([^"]*)"', page)) == {""}
