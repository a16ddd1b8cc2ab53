"""Limits that protect the server and everyone in the room, each with a message that says so."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from maps import models as map_models
from maps.models import Card, EmotionCard, JourneyMap, Lane
from workshops import models as workshop_models
from workshops.models import Participant

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_full_map_refuses_one_more_card_and_says_why(
    editor_client, journey_map, stages, monkeypatch
):
    monkeypatch.setattr(map_models, "MAX_CARDS", 3)
    monkeypatch.setattr("maps.forms.MAX_CARDS", 3)
    for i in range(3):
        Card.objects.create(stage=stages[0], lane=Lane.ACTION, text=f"카드 {i}")
    response = editor_client.post(
        reverse("maps:card-add", args=[journey_map.pk]),
        {"stage": stages[0].pk, "lane": "action", "text": "하나 더"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "3" in response.content.decode() and Card.objects.count() == 3
    # Editing what is there still works.
    card = Card.objects.first()
    edit = editor_client.post(
        reverse("maps:card-update", args=[journey_map.pk, card.pk]),
        {"text": "고침", "version": card.version},
        **HTMX,
    )
    assert edit.status_code == 200


def test_a_full_map_refuses_one_more_emotion_card(editor_client, journey_map, stages, monkeypatch):
    monkeypatch.setattr("maps.forms.MAX_EMOTION_CARDS", 1)
    EmotionCard.objects.create(stage=stages[0], score=1)
    response = editor_client.post(
        reverse("maps:emotion-add", args=[journey_map.pk]),
        {"stage": stages[0].pk, "score": "-1"},
        **HTMX,
    )
    assert response.status_code == 422 and EmotionCard.objects.count() == 1


def test_a_map_has_at_most_30_stages(editor_client, journey_map):
    for i in range(30 - journey_map.stages.count()):
        journey_map.add_stage(f"단계 {i}")
    response = editor_client.post(
        reverse("maps:stage-add", args=[journey_map.pk]), {"name": "31번째"}, **HTMX
    )
    assert response.status_code == 422 and "30" in response.content.decode()
    assert journey_map.stages.count() == 30


def test_a_full_workshop_says_so_to_the_next_person(workshop, monkeypatch, join):
    monkeypatch.setattr(workshop_models, "MAX_PARTICIPANTS", 2)
    monkeypatch.setattr("workshops.forms.MAX_PARTICIPANTS", 2)
    join(workshop, "팀 A", "하나")
    join(workshop, "팀 B", "둘")
    response = Client().post(f"/j/{workshop.join_token}/", {"display_name": "셋"})
    assert response.status_code == 422
    assert "2" in response.content.decode() and Participant.objects.count() == 2


def test_an_import_larger_than_2_mb_is_refused_with_a_message(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.json", b"{" + b" " * (2 * 1024 * 1024 + 10) + b"}")
    response = editor_client.post(reverse("maps:import"), {"file": big})
    assert response.status_code == 422
    assert "2MB" in response.content.decode() and not JourneyMap.objects.exists()
