from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maps.models import Card, EmotionCard, Lane

pytestmark = pytest.mark.django_db


def board_url(journey_map):
    return reverse("maps:board", args=[journey_map.pk])


def test_it_shows_the_map_as_a_grid_of_stages_and_lanes(
    editor_client, journey_map, make_card, stages
):
    tp = make_card(
        "앱 결제 화면", lane=Lane.TOUCHPOINT, stage=stages[2], is_mot=True, channel="app"
    )
    EmotionCard.objects.create(touchpoint=tp, score=-2, words="복잡하다")
    EmotionCard.objects.create(touchpoint=tp, score=-1)
    response = editor_client.get(board_url(journey_map))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ["인지", "고려", "구매", "유지 및 추천"]:
        assert f">{name}</h2>" in html
    for lane in ["고객 행동", "접점", "감정", "생각", "불편 (페인 포인트)", "개선 기회"]:
        assert lane in html
    assert 'class="card lane-touchpoint mot"' in html
    assert "앱 결제 화면" in html and "😠" in html and "복잡하다" in html
    assert "−1.5" in html  # the stage mean, with a real minus sign


def test_the_header_shows_persona_scenario_and_start_and_end(editor_client, journey_map):
    from maps.models import Persona

    journey_map.persona = Persona.objects.create(name="김정훈", quote="꾸준히 받고 싶어요")
    journey_map.situation = "노후 자금을 찾는다"
    journey_map.start_point, journey_map.end_point = "첫 투자", "세 번째 투자"
    journey_map.save()
    html = editor_client.get(board_url(journey_map)).content.decode()
    for text in [
        "김정훈",
        "꾸준히 받고 싶어요",
        "노후 자금을 찾는다",
        "첫 투자",
        "세 번째 투자",
        "시작점",
        "도착점",
    ]:
        assert text in html


def test_a_blueprint_map_shows_backstage_lanes(editor_client, journey_map):
    journey_map.map_type = "blueprint"
    journey_map.save()
    html = editor_client.get(board_url(journey_map)).content.decode()
    assert "직원 행동" in html and "시스템" in html and "정책" in html


def test_an_empty_map_invites_to_add_a_stage(editor_client):
    from maps.models import JourneyMap

    journey_map = JourneyMap.objects.create_from_preset(title="빈 지도", preset="blank")
    html = editor_client.get(board_url(journey_map)).content.decode()
    assert "첫 단계를 추가하면" in html


def test_it_redirects_anonymous_visitors_to_login(client, journey_map):
    response = client.get(board_url(journey_map))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_htmx_requests_of_anonymous_visitors_get_a_full_page_redirect(client, journey_map):
    response = client.post(reverse("maps:card-add", args=[journey_map.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_non_staff_users_get_404(client, django_user_model, journey_map):
    client.force_login(django_user_model.objects.create_user("guest", password="x"))
    assert client.get(board_url(journey_map)).status_code == 404
    assert client.get(reverse("maps:list")).status_code == 404


def test_a_missing_map_is_404(editor_client):
    assert editor_client.get(reverse("maps:board", args=[999999])).status_code == 404


def test_it_rejects_post(editor_client, journey_map):
    assert editor_client.post(board_url(journey_map)).status_code == 405


def fill(journey_map, stages, n):
    """n cards spread round-robin over every stage and four lanes; an emotion per touchpoint."""
    cells = [
        (stage, lane)
        for stage in stages
        for lane in (Lane.OPPORTUNITY, Lane.TOUCHPOINT, Lane.ACTION, Lane.THOUGHT)
    ]
    cards = []
    for i in range(n):
        stage, lane = cells[i % len(cells)]
        cards.append(
            Card(
                journey_map=journey_map,
                stage=stage,
                lane=lane,
                text=f"{lane} {i}",
                position=i // len(cells),
            )
        )
    Card.objects.bulk_create(cards)
    for tp in Card.objects.filter(journey_map=journey_map, lane=Lane.TOUCHPOINT):
        EmotionCard.objects.create(touchpoint=tp, score=-1)
    return Card.objects.filter(journey_map=journey_map).count()


def test_board_queries_do_not_grow_with_the_number_of_cards(
    editor_client, journey_map, stages, make_card
):
    from maps.models import ActionPlan, JourneyMap

    assert fill(journey_map, stages, 10) == 10
    big = JourneyMap.objects.create_from_preset(title="큰 지도", preset="funnel")
    assert fill(big, list(big.stages.all()), 300) == 300
    for m in (journey_map, big):
        opportunity = m.cards.filter(lane=Lane.OPPORTUNITY).first()
        ActionPlan.objects.create(opportunity=opportunity, what="plan", owner="누구")
    editor_client.get(board_url(journey_map))  # warm session and caches
    counts = []
    for m in (journey_map, big):
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(board_url(m))
        assert response.status_code == 200
        counts.append(len(queries))
    small, large = counts
    assert small == large, f"10 cards: {small} queries, 300 cards: {large} queries"
    assert 5 <= large <= 10  # the map, stages with summary, cards, emotions, plans + auth
