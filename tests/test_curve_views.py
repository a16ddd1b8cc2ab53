"""The curve on the board, in the pushes that can move it, and as downloads."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from maps.board import Board
from maps.curve import CurveData
from maps.models import Card, EmotionCard, JourneyMap, Lane
from workshops.protocol import PUSH_MARK

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def scored(journey_map, stages, make_card):
    touchpoint = make_card("상담 전화", stage=stages[1], lane=Lane.TOUCHPOINT, is_direct=False)
    for score in (-2, -1):
        EmotionCard.objects.create(
            journey_map=journey_map, stage=stages[1], touchpoint=touchpoint, score=score
        )
    EmotionCard.objects.create(journey_map=journey_map, stage=stages[0], score=2)
    return touchpoint


def test_the_board_shows_the_curve_and_what_it_says(editor_client, journey_map, stages, scored):
    html = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert 'id="curve"' in html and 'class="curve-chart"' in html
    for stage in stages:
        assert stage.name in html.split('id="curve"')[1]
    # The lowest stage, and the touchpoint with two negative cards proposed as a MOT.
    insights = html.split('class="insights"')[1]
    assert stages[1].name in insights and "상담 전화" in insights
    assert reverse("maps:curve-png", args=[journey_map.pk]) in html


def test_the_board_s_curve_is_an_image_fetched_again_only_when_the_curve_changes(
    editor_client, journey_map, stages, scored
):
    html = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    figure = html.split('<figure class="curve-figure">')[1].split("</figure>")[0]
    assert "<svg" not in figure  # the drawing is not in the page
    src = figure.split('src="')[1].split('"')[0]
    assert src.startswith(reverse("maps:curve-svg", args=[journey_map.pk]) + "?v=")
    assert CurveData.load(journey_map).drawn_digest in src
    alt = figure.split('alt="')[1].split('"')[0]
    assert stages[1].name in alt and "-1.5" in alt  # what the chart shows, in words
    image = editor_client.get(src)
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    assert "immutable" in image["Cache-Control"] and not image.has_header("Content-Disposition")
    assert image.content.lstrip().startswith(b"<?xml")
    # A card that does not move the curve keeps the address, and so does new wording of a
    # touchpoint (the chart does not draw it); an emotion card changes it.
    Card.objects.create(stage=stages[0], lane=Lane.ACTION, text="검색한다")
    touchpoint = Card.objects.create(stage=stages[0], lane=Lane.TOUCHPOINT, text="앱")
    again = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert src in again
    touchpoint.text = "모바일 앱 첫 화면"
    touchpoint.save()
    again = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert src in again
    EmotionCard.objects.create(journey_map=journey_map, stage=stages[0], score=1)
    moved = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert src not in moved
    # Without the digest it is the download it always was.
    download = editor_client.get(reverse("maps:curve-svg", args=[journey_map.pk]))
    assert "attachment" in download["Content-Disposition"]


def test_a_map_without_emotion_cards_explains_the_empty_curve(editor_client, journey_map):
    html = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    curve = html.split('id="curve"')[1].split("</section>")[0]
    assert "curve-chart" not in curve and 'class="empty"' in curve


def test_an_emotion_card_pushes_the_new_curve_and_a_thought_does_not(
    editor_client, journey_map, stages, scored
):
    response = editor_client.post(
        reverse("maps:emotion-add", args=[journey_map.pk]),
        {"stage": stages[2].pk, "score": "-2"},
        **HTMX,
    )
    push = response.content.decode().split(PUSH_MARK)[1]
    assert 'id="curve" class="curve panel" aria-labelledby="curve-title" hx-swap-oob="true"' in push
    response = editor_client.post(
        reverse("maps:card-add", args=[journey_map.pk]),
        {"stage": stages[0].pk, "lane": "thought", "text": "생각"},
        **HTMX,
    )
    assert 'id="curve"' not in response.content.decode()


def test_the_board_and_a_push_read_the_same_curve(journey_map, scored):
    assert CurveData.load(journey_map) == CurveData.from_board(Board.load(journey_map))


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("png", "image/png", b"\x89PNG"),
        ("svg", "image/svg+xml", b"<?xml"),
    ],
)
def test_the_curve_downloads_with_a_korean_file_name(
    editor_client, journey_map, scored, fmt, content_type, magic
):
    response = editor_client.get(reverse(f"maps:curve-{fmt}", args=[journey_map.pk]))
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response.content.startswith(magic)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(f'고객 여정-감정 곡선.{fmt}')}" in disposition


def test_a_file_name_loses_what_file_systems_refuse(editor_client, scored, journey_map):
    JourneyMap.objects.filter(pk=journey_map.pk).update(title='a/b\\c:"d"?')
    response = editor_client.get(reverse("maps:curve-svg", args=[journey_map.pk]))
    assert quote("a b c d-감정 곡선.svg") in response["Content-Disposition"]


def test_the_curve_of_a_missing_map_is_a_404(editor_client):
    assert editor_client.get(reverse("maps:curve-png", args=[9999])).status_code == 404


def test_the_curve_needs_a_login(client, journey_map):
    response = client.get(reverse("maps:curve-png", args=[journey_map.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]
