"""Two people, one card: nothing is overwritten silently, nothing is created twice."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from maps.models import ActionPlan, Card, EmotionCard, Lane
from workshops.protocol import SEQ_HEADER

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def other_client(client, django_user_model):
    from django.test import Client

    second = Client()
    second.force_login(
        django_user_model.objects.create_user("second", is_staff=True, first_name="박준호")
    )
    return second


def edit(client, card, text, version):
    return client.post(
        reverse("maps:card-update", args=[card.journey_map_id, card.pk]),
        {"text": text, "version": version},
        **HTMX,
    )


def test_a_save_made_on_an_older_version_does_not_clobber_the_newer(
    editor_client, other_client, make_card
):
    card = make_card("원래 글")
    assert edit(other_client, card, "박준호의 글", 1).status_code == 200
    response = edit(editor_client, card, "에디터의 글", 1)
    assert response.status_code == 409
    html = response.content.decode()
    assert "박준호" in html and "박준호의 글" in html  # who changed it, and what it says now
    assert ">에디터의 글</textarea>" in html  # their own text, kept to reapply
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    card.refresh_from_db()
    assert (card.text, card.version) == ("박준호의 글", 2)
    assert edit(editor_client, card, "에디터의 글", 2).status_code == 200
    card.refresh_from_db()
    assert (card.text, card.version) == ("에디터의 글", 3)


def test_editing_a_card_someone_deleted_says_so_and_returns_the_text(editor_client, make_card):
    card = make_card("곧 지워질 카드")
    card_id, map_id = card.pk, card.journey_map_id
    card.delete()
    response = editor_client.post(
        reverse("maps:card-update", args=[map_id, card_id]),
        {"text": "내가 쓰던 글", "version": 1},
        **HTMX,
    )
    assert response.status_code == 410
    html = response.content.decode()
    assert "삭제되었습니다" in html and "내가 쓰던 글" in html
    assert not Card.objects.exists()


def test_two_people_adding_to_the_same_cell_both_land_in_order(
    editor_client, other_client, journey_map, stages
):
    url = reverse("maps:card-add", args=[journey_map.pk])
    for client, text in [(editor_client, "첫째"), (other_client, "둘째"), (editor_client, "셋째")]:
        client.post(url, {"stage": stages[0].pk, "lane": "action", "text": text}, **HTMX)
    assert list(stages[0].cards.values_list("text", "position")) == [
        ("첫째", 0),
        ("둘째", 1),
        ("셋째", 2),
    ]


@pytest.mark.parametrize(
    "name, data, model",
    [
        ("card-add", {"lane": "action", "text": "한 번만"}, Card),
        ("emotion-add", {"score": 1}, EmotionCard),
    ],
)
def test_a_retried_add_creates_once(editor_client, journey_map, stages, name, data, model):
    token = str(uuid.uuid4())
    payload = {"stage": stages[0].pk, "client_token": token, **data}
    url = reverse(f"maps:{name}", args=[journey_map.pk])
    first = editor_client.post(url, payload, **HTMX)
    journey_map.refresh_from_db()
    seq = journey_map.seq
    again = editor_client.post(url, payload, **HTMX)
    assert first.status_code == again.status_code == 200
    assert model.objects.count() == 1
    # The room heard of it the first time: the resend pushes nothing (no sequence number used),
    # and its answer replaces parts by id; appending the card again would show it twice.
    journey_map.refresh_from_db()
    assert journey_map.seq == seq and SEQ_HEADER not in again.headers
    assert "beforeend:" not in again.content.decode()


def test_a_retried_action_plan_is_created_once(editor_client, journey_map, make_card):
    opportunity = make_card("기회", lane=Lane.OPPORTUNITY)
    payload = {
        "opportunity": opportunity.pk,
        "what": "x",
        "status": "todo",
        "client_token": str(uuid.uuid4()),
    }
    url = reverse("maps:plan-add", args=[journey_map.pk])
    editor_client.post(url, payload, **HTMX)
    editor_client.post(url, payload, **HTMX)
    assert ActionPlan.objects.count() == 1
