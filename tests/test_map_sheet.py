"""The whole map as a spreadsheet (issue 15): read back with openpyxl and csv."""

from __future__ import annotations

import csv
import datetime
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maps.models import ActionPlan, Card, EmotionCard, Lane, OpportunityScore

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(journey_map, stages, make_card):
    chat = make_card("상담 채팅", lane=Lane.TOUCHPOINT, channel="chat", is_mot=True, votes=3)
    EmotionCard.objects.create(touchpoint=chat, score=-2)
    EmotionCard.objects.create(touchpoint=chat, score=1)
    make_card('=HYPERLINK("http://x")', stage=stages[1], lane=Lane.THOUGHT)
    chance = make_card("답변 템플릿", stage=stages[2], lane=Lane.OPPORTUNITY)
    ActionPlan.objects.create(
        opportunity=chance, what="템플릿 20종", owner="박", due_date=datetime.date(2027, 2, 1)
    )
    Card.objects.create(journey_map=journey_map, lane=Lane.UNSORTED, text="정리할 메모")
    OpportunityScore.objects.create(
        journey_map=journey_map,
        card=chance,
        scorer="u1",
        customer_value=4,
        business_value=3,
        effort=2,
    )
    return journey_map


def test_the_workbook_has_every_card_with_its_place_and_what_the_team_said(editor_client, filled):
    response = editor_client.get(reverse("maps:export-cards", args=[filled.pk]))
    assert response.status_code == 200
    assert "카드.xlsx" in unquote(response["Content-Disposition"])
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["카드", "액션 플랜"]
    rows = list(book["카드"].iter_rows(values_only=True))
    assert rows[0][:4] == ("단계", "레인", "순서", "카드")
    chat = next(row for row in rows if row[3] == "상담 채팅")
    stage = filled.stages.first().name
    assert (
        chat
        == (stage, "접점", 1, "상담 채팅", "채팅", "직접", "★", 3, 2, -0.5, -2, 1, None)
        + (None,) * 3
    )
    chance = next(row for row in rows if row[3] == "답변 템플릿")
    assert chance[-4:] == (1, 4, 3, 2)  # one plan; customer, business, effort
    # A text that looks like a formula stays text; the unsorted card comes last.
    assert any(row[3] == '\'=HYPERLINK("http://x")' for row in rows)
    assert rows[-1][:4] == ("정리 전", "정리 전", 1, "정리할 메모")
    plan = list(book["액션 플랜"].iter_rows(values_only=True))[1]
    assert plan[:4] == ("템플릿 20종", "답변 템플릿", "박", datetime.datetime(2027, 2, 1))


def test_the_csv_has_the_same_rows_and_reads_in_excel(editor_client, filled):
    response = editor_client.get(reverse("maps:export-cards-csv", args=[filled.pk]))
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + filled.cards.count()
    chat = next(row for row in rows if row[3] == "상담 채팅")
    assert chat[6:10] == ["★", "3", "2", "-0.5"]


def test_the_workbook_costs_the_same_queries_for_any_number_of_cards(editor_client, filled, stages):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert (
                editor_client.get(reverse("maps:export-cards", args=[filled.pk])).status_code == 200
            )
        return len(captured)

    few = queries()
    Card.objects.bulk_create(
        Card(journey_map=filled, stage=stages[n % 4], lane=Lane.ACTION, text=f"{n}", position=n)
        for n in range(200)
    )
    assert queries() == few


def test_a_stranger_gets_no_workbook(client, django_user_model, filled):
    client.force_login(django_user_model.objects.create_user("stranger"))
    assert client.get(reverse("maps:export-cards", args=[filled.pk])).status_code == 404


def test_an_own_lane_named_like_a_formula_stays_text(editor_client, journey_map, stages):
    journey_map.custom_lanes = {Lane.CUSTOM1: '=HYPERLINK("http://x","클릭")'}
    journey_map.save()
    Card.objects.create(journey_map=journey_map, stage=stages[0], lane=Lane.CUSTOM1, text="메모")
    response = editor_client.get(reverse("maps:export-cards", args=[journey_map.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["카드"].values)
    memo = next(row for row in rows if row[3] == "메모")
    assert memo[1] == '\'=HYPERLINK("http://x","클릭")'
