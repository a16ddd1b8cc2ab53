"""The MOT ledger: each flag and unflag recorded with how it was chosen and where the
touchpoint stood, read across maps with touchpoints matched by channel and wording."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane, MotEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def mot(client, card):
    response = client.post(reverse("maps:card-mot", args=[card.journey_map_id, card.pk]), **HTMX)
    assert response.status_code == 200


def test_flags_by_hand_and_confirmed_candidates_are_recorded(editor_client, journey_map, stages):
    pay = Card.objects.create(
        stage=stages[2], lane=Lane.TOUCHPOINT, text="앱 결제 화면", channel="app"
    )
    for score in (-2, -2):  # two negative cards: the curve offers it as a candidate
        EmotionCard.objects.create(touchpoint=pay, score=score)
    chat = Card.objects.create(stage=stages[2], lane=Lane.TOUCHPOINT, text="상담 채팅")
    mot(editor_client, pay)
    mot(editor_client, chat)
    mot(editor_client, chat)  # and taken back
    events = list(MotEvent.objects.values_list("text", "flagged", "how", "emotion_mean"))
    assert events == [
        ("앱 결제 화면", True, "candidate", -2.0),
        ("상담 채팅", True, "hand", None),
        ("상담 채팅", False, "hand", None),
    ]
    assert (
        MotEvent.objects.first().by_name and MotEvent.objects.first().stage_name == stages[2].name
    )


def test_a_vote_s_flags_are_recorded(workshop, join, editor):
    from workshops import voting

    team_map = workshop.teams.get(name="팀 A").journey_map
    card = Card.objects.create(stage=team_map.stages.first(), lane=Lane.TOUCHPOINT, text="광고")
    workshop.open_vote(Lane.TOUCHPOINT, 3)  # a new round: dots start at zero
    Card.objects.filter(pk=card.pk).update(votes=4)
    voting.flag_top_as_mot(workshop, 1, by_name="퍼실리테이터")
    [event] = MotEvent.objects.all()
    assert (event.text, event.how, event.dots, event.by_name) == ("광고", "vote", 4, "퍼실리테이터")


def test_the_ledger_matches_across_maps_and_outlives_the_touchpoint(editor_client, stages):
    maps = [JourneyMap.objects.create_from_preset(title=t, preset="funnel") for t in ("가", "나")]
    for n, journey_map in enumerate(maps):
        stage = journey_map.stages.get(name="구매")
        card = Card.objects.create(
            stage=stage, lane=Lane.TOUCHPOINT, text=" 앱 결제  화면" if n else "앱 결제 화면",
            channel="app",
        )  # fmt: skip
        EmotionCard.objects.create(touchpoint=card, score=-2 + 2 * n)
        mot(editor_client, card)
        idea = Card.objects.create(stage=stage, lane=Lane.OPPORTUNITY, text="간소화")
        ActionPlan.objects.create(
            opportunity=idea, what=f"결제 줄이기 {n}", status="done", result="이탈 절반"
        )
    maps[0].cards.filter(lane=Lane.TOUCHPOINT).delete()  # the ledger keeps the record
    page = editor_client.get(reverse("maps:mots")).content.decode()
    row = page.split("앱 결제 화면")[1].split("</tr>")[0]
    assert "<td>2</td>" in row and "가, 나" in row and "−2.0 → 0.0" in row
    assert "결제 줄이기 0" in row and "이탈 절반" in row and "앱" in row


def test_the_ledger_is_for_the_maps_own_people(journey_map, stages, workshop, join):
    card = Card.objects.create(stage=stages[0], lane=Lane.TOUCHPOINT, text="비밀 접점")
    MotEvent.record(
        [Card.objects.select_related("stage", "journey_map").get(pk=card.pk)],
        flagged=True,
        how="hand",
    )
    participant = join(workshop, "팀 A", "참가자")
    assert participant.get(reverse("maps:mots")).status_code in (302, 404)
    assert Client().get(reverse("maps:mots")).status_code == 302
