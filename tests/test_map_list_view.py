from __future__ import annotations

import pytest
from django.urls import reverse

from maps.models import JourneyMap

pytestmark = pytest.mark.django_db


def test_the_list_invites_to_create_the_first_map(editor_client):
    html = editor_client.get(reverse("maps:list")).content.decode()
    assert "아직 여정 지도가 없습니다" in html and "새 여정 지도" in html


def test_it_lists_maps(editor_client, journey_map):
    html = editor_client.get(reverse("maps:list")).content.decode()
    assert "고객 여정" in html and reverse("maps:board", args=[journey_map.pk]) in html


def test_it_creates_a_map_from_a_preset(editor_client, editor):
    response = editor_client.post(
        reverse("maps:create"),
        {"title": "온라인 쇼핑", "topic": "", "map_type": "future", "preset": "purchase"},
    )
    journey_map = JourneyMap.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("maps:board", args=[journey_map.pk])
    assert journey_map.created_by == editor and journey_map.map_type == "future"
    assert list(journey_map.stages.values_list("name", flat=True)) == [
        "구매 전",
        "구매 중",
        "구매 후",
    ]


def test_an_invalid_new_map_shows_errors_and_creates_nothing(editor_client):
    response = editor_client.post(
        reverse("maps:create"), {"title": "", "map_type": "current", "preset": "nope"}
    )
    assert response.status_code == 422
    assert JourneyMap.objects.count() == 0
    assert 'role="alert"' in response.content.decode()


def test_list_and_create_need_a_login_and_the_right_method(client, editor_client):
    assert editor_client.post(reverse("maps:list")).status_code == 405
    assert editor_client.get(reverse("maps:create")).status_code == 405
    client.logout()
    assert client.get(reverse("maps:list")).status_code == 302
    assert (
        client.post(
            reverse("maps:create"), {"title": "x", "preset": "blank", "map_type": "current"}
        ).status_code
        == 302
    )
    assert JourneyMap.objects.count() == 0


def test_the_home_page_leads_facilitators_to_the_maps(editor_client):
    response = editor_client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("maps:list")


def test_login_with_a_wrong_password_says_so(client, editor):
    response = client.post(reverse("login"), {"username": "editor", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
