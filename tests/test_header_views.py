from __future__ import annotations

import pytest
from django.urls import reverse

from maps.models import JourneyMap, Persona

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, journey_map):
    return reverse(f"maps:{name}", args=[journey_map.pk])


def details(**overrides):
    return {
        "title": "새 제목",
        "topic": "재투자율",
        "map_type": "current",
        "situation": "상황",
        "expectations": "기대",
        "start_point": "첫 투자",
        "end_point": "세 번째 투자",
        **overrides,
    }


def test_it_edits_the_map_details(editor_client, journey_map):
    assert editor_client.get(url("details-update", journey_map), **HTMX).status_code == 200
    response = editor_client.post(url("details-update", journey_map), details(), **HTMX)
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    assert 'id="map-header" class="map-header" hx-swap-oob="true"' in response.content.decode()
    journey_map.refresh_from_db()
    assert (journey_map.title, journey_map.start_point, journey_map.end_point) == (
        "새 제목",
        "첫 투자",
        "세 번째 투자",
    )
    assert "board-grid" not in response.content.decode()


def test_switching_to_a_blueprint_redraws_the_board_with_backstage_lanes(
    editor_client, journey_map
):
    response = editor_client.post(
        url("details-update", journey_map), details(map_type="blueprint"), **HTMX
    )
    html = response.content.decode()
    # Five lanes, the emotion row and the header, plus evidence and four backstage lanes.
    assert 'id="board-grid" class="board rows-12" hx-swap-oob="true"' in html
    assert "직원 행동" in html


def test_invalid_details_keep_the_map_unchanged(editor_client, journey_map):
    response = editor_client.post(
        url("details-update", journey_map), details(title="", map_type="galaxy"), **HTMX
    )
    assert response.status_code == 422
    journey_map.refresh_from_db()
    assert journey_map.title == "고객 여정"


def test_cancel_returns_the_header(editor_client, journey_map):
    response = editor_client.get(url("details-update", journey_map) + "?cancel=1", **HTMX)
    assert 'id="map-header" class="map-header"' in response.content.decode()


def test_it_adds_a_persona_to_a_map_without_one(editor_client, journey_map):
    response = editor_client.post(
        url("persona-update", journey_map), {"name": "김정훈", "quote": "꾸준히"}, **HTMX
    )
    assert response.status_code == 200
    journey_map.refresh_from_db()
    assert journey_map.persona.name == "김정훈"
    assert "김정훈" in response.content.decode()


def test_it_edits_the_shared_persona_and_says_it_is_shared(editor_client, journey_map):
    persona = Persona.objects.create(name="A")
    JourneyMap.objects.filter(pk=journey_map.pk).update(persona=persona)
    JourneyMap.objects.create(title="other", persona=persona)
    journey_map.refresh_from_db()
    form = editor_client.get(url("persona-update", journey_map), **HTMX).content.decode()
    assert "지도 2개에서 쓰입니다" in form
    editor_client.post(url("persona-update", journey_map), {"name": "B"}, **HTMX)
    assert Persona.objects.get().name == "B"


def test_a_persona_needs_a_name(editor_client, journey_map):
    response = editor_client.post(url("persona-update", journey_map), {"name": ""}, **HTMX)
    assert response.status_code == 422
    assert not Persona.objects.exists()


def test_header_edits_need_login_and_an_existing_map(client, editor_client, journey_map):
    assert (
        editor_client.post(reverse("maps:details-update", args=[9999]), details()).status_code
        == 404
    )
    assert editor_client.delete(url("persona-update", journey_map)).status_code == 405
    client.logout()
    assert client.post(url("details-update", journey_map), details()).status_code == 302
    journey_map.refresh_from_db()
    assert journey_map.title == "고객 여정"


def test_a_blueprint_with_backstage_cards_cannot_hide_them(editor_client, journey_map, make_card):
    from maps.models import Lane

    JourneyMap.objects.filter(pk=journey_map.pk).update(map_type="blueprint")
    journey_map.refresh_from_db()
    make_card("결제 시스템 점검", lane=Lane.SYSTEM)
    response = editor_client.post(
        url("details-update", journey_map), details(map_type="current"), **HTMX
    )
    assert response.status_code == 422
    assert "이 지도 유형에 없는 레인" in response.content.decode()
    assert "시스템" in response.content.decode() and "카드 1장" in response.content.decode()
    journey_map.refresh_from_db()
    assert journey_map.map_type == "blueprint"
