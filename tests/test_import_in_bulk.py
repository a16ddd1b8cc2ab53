"""An import is checked whole before anything is written, within the map's limits, and then
written in a few bulk inserts: a big file never holds the database for long."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maps import importing, portable
from maps.models import MAX_EMOTION_CARDS, Card, EmotionCard, JourneyMap, Lane

pytestmark = pytest.mark.django_db


def big_file(cards: int = 2000, emotions_per_touchpoint: int = 2, stages: int = 8) -> dict:
    lanes = [Lane.ACTION, Lane.TOUCHPOINT, Lane.THOUGHT, Lane.OPPORTUNITY]
    stage_list = [{"name": f"단계 {s}", "emotions": [], "cards": []} for s in range(stages)]
    for n in range(cards):
        lane = lanes[n % len(lanes)]
        card = {"lane": lane, "text": f"카드 {n} · 고객이 가격을 비교한다"}
        if lane == Lane.TOUCHPOINT:
            card["emotions"] = [
                {"score": (n + e) % 5 - 2, "words": "느낌"} for e in range(emotions_per_touchpoint)
            ]
        if lane == Lane.OPPORTUNITY and n % 20 == 3:
            card["plans"] = [{"what": "계획", "owner": "담당", "due_date": "2027-01-31"}]
        stage_list[n % stages]["cards"].append(card)
    return {"format": "journeymap", "version": 1, "map": {"title": "큰 지도", "stages": stage_list}}


def test_a_2000_card_import_is_a_handful_of_queries(editor):
    imported = importing.check(big_file())
    with CaptureQueriesContext(connection) as queries:
        journey_map = imported.save(user=editor)
    assert journey_map.cards.count() == 2000
    assert journey_map.emotion_cards.count() == 1000
    assert journey_map.action_plans.count() == 100
    # The map, then stages, cards, emotion cards and plans in batches (SQLite takes at most
    # 999 values a statement: about 60 cards), not a statement or three per row (3,100 rows).
    assert len(queries) <= 80, [q["sql"][:80] for q in queries.captured_queries]


def test_checking_a_file_touches_no_database():
    with CaptureQueriesContext(connection) as queries:
        importing.check(big_file(cards=400))
    assert len(queries) == 0


def test_the_import_keeps_board_order_and_what_hangs_from_cards(editor):
    journey_map = importing.check(big_file(cards=200)).save(user=editor)
    again = portable.dump(journey_map)
    assert [s["name"] for s in again["map"]["stages"]] == [f"단계 {s}" for s in range(8)]
    first = again["map"]["stages"][0]["cards"]
    assert [c["text"] for c in first[:2]] == [
        "카드 0 · 고객이 가격을 비교한다",
        "카드 8 · 고객이 가격을 비교한다",
    ]
    touchpoint = Card.objects.filter(journey_map=journey_map, lane=Lane.TOUCHPOINT).first()
    assert touchpoint.emotion_cards.count() == 2
    assert all(e.stage_id == touchpoint.stage_id for e in touchpoint.emotion_cards.all())
    assert journey_map.created_by == editor


def test_more_emotion_cards_than_a_map_holds_are_refused_and_nothing_is_made():
    too_many = big_file(cards=2000, emotions_per_touchpoint=11)  # 5,500
    with pytest.raises(importing.ImportProblem) as problem:
        importing.loads(json.dumps(too_many).encode())
    assert f"{MAX_EMOTION_CARDS:,}" in str(problem.value)
    assert not JourneyMap.objects.exists() and not EmotionCard.objects.exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [("가\x00나", "NUL"), ("\ud800", "깨진 문자")],
)
def test_text_a_database_cannot_store_is_refused_with_its_place(text, says):
    data = big_file(cards=4)
    data["map"]["stages"][1]["cards"][0]["text"] = text
    with pytest.raises(importing.ImportProblem) as problem:
        importing.check(data)
    assert str(problem.value).startswith("map.stages[1].cards[0].text") and says in str(
        problem.value
    )


def test_a_raw_surrogate_in_the_file_is_refused_not_a_500(editor_client):
    raw = b'{"format": "journeymap", "version": 1, "map": {"title": "\\ud800", "stages": []}}'
    upload = SimpleUploadedFile("s.json", raw, content_type="application/json")
    response = editor_client.post(reverse("maps:import"), {"file": upload})
    assert response.status_code == 422 and not JourneyMap.objects.exists()


def test_backstage_cards_need_a_service_blueprint():
    data = big_file(cards=4)
    data["map"]["stages"][0]["cards"].append({"lane": "staff", "text": "직원이 확인한다"})
    with pytest.raises(importing.ImportProblem) as problem:
        importing.check(data)
    assert "map.stages[0].cards[1]" in str(problem.value)
    data["map"]["map_type"] = "blueprint"
    assert [c.lane for c in importing.check(data).cards].count("staff") == 1
