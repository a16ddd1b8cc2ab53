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
    row = page.split("<tbody>")[1].split("</tr>")[0]
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


def flag_on_two_maps(text="앱 결제 화면"):
    maps = [
        JourneyMap.objects.create_from_preset(title=t, preset="funnel")
        for t in ("서울점", "부산점")
    ]
    for journey_map in maps:
        card = Card.objects.create(
            stage=journey_map.stages.first(), lane=Lane.TOUCHPOINT, text=text, channel="app"
        )
        card.is_mot = True
        card.save()
        MotEvent.record([card], flagged=True, how="hand", by_name="팀")
    return maps


def decide(client, decision, text="앱 결제 화면"):
    return client.post(
        reverse("maps:mot-match"), {"channel": "app", "text": text, "decision": decision}
    )


def rows(client) -> list[str]:
    html = client.get(reverse("maps:mots")).content.decode()
    return html.split("<tr>")[2:]


def test_a_match_can_be_confirmed_split_by_map_and_joined_again(editor_client):
    from maps.models import MotMatch

    flag_on_two_maps()
    [entry] = rows(editor_client)
    assert "부산점, 서울점" in entry and ("Split by map" in entry or "지도별로 나누기" in entry)
    assert decide(editor_client, "confirmed").status_code == 302
    [entry] = rows(editor_client)
    assert "에디터" in entry  # confirmed by whom
    assert MotMatch.objects.get().decision == "confirmed"
    decide(editor_client, "split")
    split = rows(editor_client)
    assert len(split) == 2 and all("<td>1</td>" in row for row in split)
    assert {("서울점" in row, "부산점" in row) for row in split} == {(True, False), (False, True)}
    decide(editor_client, "")
    assert len(rows(editor_client)) == 1 and not MotMatch.objects.exists()


def test_only_facilitators_decide_and_a_bad_decision_changes_nothing(editor_client, workshop, join):
    from maps.models import MotMatch

    flag_on_two_maps()
    assert decide(join(workshop, "팀 A"), "split").status_code == 404
    assert decide(Client(), "split").status_code in (302, 401)
    assert decide(editor_client, "merge-everything").status_code == 422
    long_text = editor_client.post(reverse("maps:mot-match"), {"text": "가" * 600})
    assert long_text.status_code == 422
    assert not MotMatch.objects.exists()


def test_a_match_key_fits_its_column_when_casefolding_lengthens_the_text(editor_client):
    from maps.models import MotMatch
    from maps.mot_ledger import match_key

    text = "ß" * 500  # a card's longest text; casefolded, "ss" × 500
    assert len(match_key("app", text)[1]) == 500
    assert decide(editor_client, "confirmed", text=text).status_code == 302
    assert MotMatch.objects.get().decision == "confirmed"
