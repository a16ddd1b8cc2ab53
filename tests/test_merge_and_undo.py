"""Merging duplicate cards, and taking back one's own delete, move or merge (issue 15)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from maps.models import ActionPlan, Card, EmotionCard, Lane, PlanNote, TouchpointFigures
from workshops.models import Dot, Undo

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def merge(client, journey_map, *cards):
    url = reverse("maps:card-merge", args=[journey_map.pk])
    return client.post(url, {"cards": [card.pk for card in cards]}, **HTMX)


def offered(response) -> str:
    """The undo address the answer offers the person's page."""
    return json.loads(response["HX-Trigger"])["jm-undo"]["url"]


@pytest.fixture
def duplicates(journey_map, stages, make_card):
    first = make_card("상담 대기 길다", lane=Lane.TOUCHPOINT, channel="call_centre")
    second = make_card("전화 연결 안 됨", stage=stages[1], lane=Lane.TOUCHPOINT, is_mot=True)
    third = make_card("콜센터 불통", stage=stages[1], lane=Lane.TOUCHPOINT)
    EmotionCard.objects.create(touchpoint=first, score=-1)
    EmotionCard.objects.create(touchpoint=second, score=-2)
    plan = ActionPlan.objects.create(opportunity=second, what="콜백 예약", owner="이")
    PlanNote.objects.create(plan=plan, text="견적 요청함")
    return first, second, third


def test_merged_cards_become_the_first_with_every_text_and_what_hung_from_them(
    editor_client, journey_map, stages, duplicates
):
    first, second, third = duplicates
    response = merge(editor_client, journey_map, first, second, third)
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.text == "상담 대기 길다" and first.joined == ["전화 연결 안 됨", "콜센터 불통"]
    assert first.is_mot and first.version == 2
    assert not Card.objects.filter(pk__in=[second.pk, third.pk]).exists()
    assert sorted(EmotionCard.objects.filter(touchpoint=first).values_list("score", flat=True)) == [
        -2,
        -1,
    ]
    assert EmotionCard.objects.filter(stage=stages[1]).count() == 0  # they follow the card
    assert ActionPlan.objects.get().opportunity == first
    html = response.content.decode()
    assert "3장 합침" in html and f'id="cards-{stages[1].pk}-touchpoint"' in html
    assert offered(response).startswith(f"/maps/{journey_map.pk}/undo/")


def test_dots_follow_a_merged_card(workshop, join, editor_client):
    journey_map = workshop.teams.get(name="팀 A").journey_map
    stage = journey_map.stages.first()
    a = Card.objects.create(stage=stage, lane=Lane.OPPORTUNITY, text="알림톡", votes=2)
    b = Card.objects.create(stage=stage, lane=Lane.OPPORTUNITY, text="카카오 알림", votes=1)
    for slot, card in ((1, a), (2, a), (3, b)):
        Dot.objects.create(workshop=workshop, round=1, card=card, voter="u1", slot=slot)
    assert merge(editor_client, journey_map, a, b).status_code == 200
    a.refresh_from_db()
    assert a.votes == 3 and Dot.objects.filter(card=a).count() == 3


@pytest.mark.parametrize("case", ["one card", "another map's", "cannot hold", "two measured"])
def test_a_merge_that_would_lose_something_is_refused_and_changes_nothing(
    editor_client, journey_map, make_card, duplicates, case
):
    first, second, _third = duplicates
    thought = make_card("생각", lane=Lane.THOUGHT)
    from maps.models import JourneyMap

    cards = {
        "one card": [first],
        "another map's": [
            first,
            JourneyMap.objects.create_from_preset(title="다른", preset="funnel")
            .stages.first()
            .cards.create(lane=Lane.ACTION, text="남의 카드"),
        ],
        "cannot hold": [thought, first],  # a touchpoint with an emotion card into a thought
        "two measured": [first, second],
    }[case]
    if case == "two measured":
        TouchpointFigures.objects.create(touchpoint=first, complaints=3)
        TouchpointFigures.objects.create(touchpoint=second, complaints=9)
    before = sorted(Card.objects.values_list("pk", "text", "joined"))
    response = merge(editor_client, journey_map, *cards)
    assert response.status_code == 422 and response["Content-Type"].startswith("text/plain")
    if case == "cannot hold":
        assert "감정 카드 1장" in response.content.decode()
    assert sorted(Card.objects.values_list("pk", "text", "joined")) == before


def test_a_delete_is_taken_back_with_everything_that_hung_from_the_card(
    editor_client, journey_map, stages, duplicates
):
    _first, second, third = duplicates
    plan = second.action_plans.get()
    plan.new_owner_token()
    delete = reverse("maps:card-delete", args=[journey_map.pk, second.pk])
    response = editor_client.post(delete, **HTMX)
    assert not Card.objects.filter(pk=second.pk).exists()
    third.refresh_from_db()
    assert third.position == 0

    back = editor_client.post(offered(response), **HTMX)
    assert back.status_code == 200
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.position, third.position, second.is_mot) == (0, 1, True)
    assert EmotionCard.objects.get(touchpoint=second).score == -2
    restored = ActionPlan.objects.get(pk=plan.pk)  # the same plan: the owner's link works
    assert restored.owner_token == plan.owner_token and restored.notes.count() == 1
    assert f'id="cards-{stages[1].pk}-touchpoint"' in back.content.decode()
    # Once only.
    assert editor_client.post(offered(response), **HTMX).status_code == 403


def test_a_move_is_taken_back_to_its_cell_lane_and_channel(editor_client, journey_map, stages):
    card = Card.objects.create(
        stage=stages[0], lane=Lane.TOUCHPOINT, text="앱 푸시", channel="app", position=0
    )
    feeling = EmotionCard.objects.create(touchpoint=card, score=1)
    url = reverse("maps:card-move", args=[journey_map.pk, card.pk])
    moved = editor_client.post(url, {"stage": stages[2].pk, "position": 0}, **HTMX)
    feeling.refresh_from_db()
    assert feeling.stage == stages[2]
    assert editor_client.post(offered(moved), **HTMX).status_code == 200
    card.refresh_from_db()
    feeling.refresh_from_db()
    assert (card.stage, card.lane, card.channel, feeling.stage) == (
        stages[0],
        Lane.TOUCHPOINT,
        "app",
        stages[0],
    )


def test_a_merge_is_taken_back_into_the_cards_it_joined(editor_client, journey_map, duplicates):
    first, second, third = duplicates
    response = merge(editor_client, journey_map, first, second, third)
    assert editor_client.post(offered(response), **HTMX).status_code == 200
    for card in (first, second, third):
        card.refresh_from_db()
    assert (first.joined, first.is_mot, second.is_mot) == ([], False, True)
    assert EmotionCard.objects.get(touchpoint=second).score == -2
    assert ActionPlan.objects.get().opportunity == second


def test_only_its_author_may_take_it_back_and_only_for_a_while(
    editor_client, client, django_user_model, journey_map, make_card
):
    card = make_card("지울 카드")
    response = editor_client.post(
        reverse("maps:card-delete", args=[journey_map.pk, card.pk]), **HTMX
    )
    url = offered(response)
    client.force_login(django_user_model.objects.create_user("stranger"))
    assert client.post(url, **HTMX).status_code == 404  # not even told the map exists
    other = django_user_model.objects.create_user("other", is_staff=True)
    client.force_login(other)
    refused = client.post(url, **HTMX)
    assert refused.status_code == 403 and "되돌릴 수 없습니다" in refused.content.decode()
    Undo.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=3))
    assert editor_client.post(url, **HTMX).status_code == 403
    assert not Card.objects.filter(pk=card.pk).exists()


def test_it_is_not_taken_back_over_someone_else_s_change(editor_client, journey_map, make_card):
    card = make_card("옮길 카드")
    url = reverse("maps:card-move", args=[journey_map.pk, card.pk])
    moved = editor_client.post(url, {"direction": "right"}, **HTMX)
    Card.objects.filter(pk=card.pk).update(version=5, text="누군가 고친 글")  # someone's edit
    refused = editor_client.post(offered(moved), **HTMX)
    assert refused.status_code == 403
    card.refresh_from_db()
    assert (card.stage.position, card.text) == (1, "누군가 고친 글")


def test_a_deleted_card_whose_stage_went_since_stays_deleted(
    editor_client, journey_map, stages, make_card
):
    card = make_card("단계와 함께", stage=stages[3])
    response = editor_client.post(
        reverse("maps:card-delete", args=[journey_map.pk, card.pk]), **HTMX
    )
    stages[3].delete()
    refused = editor_client.post(offered(response), **HTMX)
    assert refused.status_code == 403
    assert not Card.objects.filter(pk=card.pk).exists()


def test_merged_texts_travel_in_the_json_export_and_come_back(editor_client, journey_map, stages):
    from maps import importing, portable

    a = Card.objects.create(stage=stages[0], lane=Lane.THOUGHT, text="느리다", position=0)
    b = Card.objects.create(stage=stages[0], lane=Lane.THOUGHT, text="너무 느림", position=1)
    c = Card.objects.create(journey_map=journey_map, lane=Lane.UNSORTED, text="메모")
    d = Card.objects.create(journey_map=journey_map, lane=Lane.UNSORTED, text="같은 메모")
    merge(editor_client, journey_map, a, b)
    merge(editor_client, journey_map, c, d)
    data = portable.dump(journey_map)
    assert data["map"]["unsorted"] == [{"text": "메모", "joined": ["같은 메모"]}]
    copy = importing.load(json.loads(json.dumps(data)))
    assert copy.cards.get(text="느리다").joined == ["너무 느림"]
    assert portable.dump(copy) == data
    data["map"]["unsorted"][0]["joined"] = "같은 메모"  # not a list
    with pytest.raises(importing.ImportProblem, match=r"map\.unsorted\[0\]\.joined"):
        importing.load(data)


@pytest.mark.parametrize("since", ["emotion card", "dot", "mot"])
def test_a_move_is_not_taken_back_over_what_others_added_to_the_card_since(
    editor_client, workshop, journey_map, stages, since
):
    card = Card.objects.create(stage=stages[0], lane=Lane.TOUCHPOINT, text="앱 푸시")
    url = reverse("maps:card-move", args=[journey_map.pk, card.pk])
    moved = editor_client.post(url, {"stage": stages[2].pk, "position": 0}, **HTMX)
    card.refresh_from_db()
    if since == "emotion card":  # written on the card where it is now
        EmotionCard.objects.create(touchpoint=card, score=-1)
    elif since == "dot":
        Dot.objects.create(workshop=workshop, round=1, card=card, voter="u1", slot=1)
        Card.objects.filter(pk=card.pk).update(votes=1)
    else:
        Card.objects.filter(pk=card.pk).update(is_mot=True)
    refused = editor_client.post(offered(moved), **HTMX)
    assert refused.status_code == 403 and "그대로" in refused.content.decode()
    card.refresh_from_db()
    assert card.stage == stages[2]
    assert set(EmotionCard.objects.values_list("stage", flat=True)) <= {stages[2].pk}


def test_a_delete_whose_dot_slot_was_used_again_is_refused_not_broken(
    editor_client, workshop, journey_map, stages
):
    card = Card.objects.create(stage=stages[0], lane=Lane.OPPORTUNITY, text="알림톡", votes=1)
    Dot.objects.create(workshop=workshop, round=1, card=card, voter="u1", slot=1)
    response = editor_client.post(
        reverse("maps:card-delete", args=[journey_map.pk, card.pk]), **HTMX
    )
    other = Card.objects.create(stage=stages[0], lane=Lane.OPPORTUNITY, text="챗봇")
    Dot.objects.create(workshop=workshop, round=1, card=other, voter="u1", slot=1)
    refused = editor_client.post(offered(response), **HTMX)
    assert refused.status_code == 403
    assert not Card.objects.filter(pk=card.pk).exists()
    assert Dot.objects.get().card == other


def test_scores_follow_a_merge_one_per_person_and_come_back_with_its_undo(
    editor_client, journey_map, make_card
):
    from maps.models import OpportunityScore

    a = make_card("알림톡", lane=Lane.OPPORTUNITY)
    b = make_card("카카오 알림", lane=Lane.OPPORTUNITY)
    for card, scorer, value in ((a, "u1", 5), (b, "u1", 1), (b, "u2", 3)):
        OpportunityScore.objects.create(
            journey_map=journey_map,
            card=card,
            scorer=scorer,
            customer_value=value,
            business_value=value,
            effort=value,
        )
    response = merge(editor_client, journey_map, a, b)
    assert response.status_code == 200
    kept = sorted(OpportunityScore.objects.values_list("card", "scorer", "customer_value"))
    assert kept == [(a.pk, "u1", 5), (a.pk, "u2", 3)]  # u1's own score on the kept card stands
    assert editor_client.post(offered(response), **HTMX).status_code == 200
    back = sorted(OpportunityScore.objects.values_list("card", "scorer", "customer_value"))
    assert back == sorted([(a.pk, "u1", 5), (b.pk, "u1", 1), (b.pk, "u2", 3)])


def test_a_merge_keeps_the_figures_when_the_kept_card_has_only_an_empty_row(
    editor_client, journey_map, make_card
):
    kept = make_card("앱", lane=Lane.TOUCHPOINT)
    other = make_card("모바일 앱", lane=Lane.TOUCHPOINT)
    TouchpointFigures.objects.create(touchpoint=kept)  # the 📊 form saved blank
    TouchpointFigures.objects.create(touchpoint=other, complaints=12)
    assert merge(editor_client, journey_map, kept, other).status_code == 200
    assert TouchpointFigures.objects.get().touchpoint == kept
    assert TouchpointFigures.objects.get().complaints == 12


def test_undo_keeps_to_the_lanes_the_agenda_step_opens(workshop, join, editor_client):
    from tests.test_agenda import control

    member = join(workshop, "팀 A")
    journey_map = workshop.teams.get(name="팀 A").journey_map
    control(editor_client, workshop, "step", step=1)  # the steps that open the card lanes
    card = Card.objects.create(stage=journey_map.stages.first(), lane=Lane.ACTION, text="행동")
    deleted = member.post(reverse("maps:card-delete", args=[journey_map.pk, card.pk]), **HTMX)
    assert deleted.status_code == 200
    control(editor_client, workshop, "step", step=0)  # back to the topic: no card lane open
    refused = member.post(offered(deleted), **HTMX)
    assert refused.status_code == 403
    assert not Card.objects.filter(pk=card.pk).exists()
