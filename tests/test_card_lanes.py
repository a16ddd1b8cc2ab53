"""A card changes lane (issue 15): what hangs from it follows, or the move is refused in words
that name it, and nothing changes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from maps.models import ActionPlan, Card, EmotionCard, Lane, TouchpointFigures
from maps.models.cards import LaneChangeRefused
from tests.test_agenda import control

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def move(client, card, **where):
    return client.post(
        reverse("maps:card-move", args=[card.journey_map_id, card.pk]), where, **HTMX
    )


def where(card):
    card.refresh_from_db()
    return card.stage_id, card.lane, card.position


def test_a_thought_becomes_a_touchpoint_at_the_end_of_its_new_cell(
    editor_client, stages, make_card, sent, django_capture_on_commit_callbacks
):
    make_card("먼저 쓴 접점", lane=Lane.TOUCHPOINT)
    make_card("남는 생각", lane=Lane.THOUGHT)
    card = make_card("알림 문자", lane=Lane.THOUGHT)
    with django_capture_on_commit_callbacks(execute=True):
        response = move(editor_client, card, lane="touchpoint")
    assert response.status_code == 200
    assert where(card) == (stages[0].pk, Lane.TOUCHPOINT, 1)
    assert card.version == 2  # an editor open on the thought is stale now
    thoughts = stages[0].cards.filter(lane=Lane.THOUGHT)
    assert list(thoughts.values_list("text", "position")) == [("남는 생각", 0)]
    # The room gets both cells, the card drawn as a touchpoint, and the curve.
    (message,) = sent
    html = message["html"]
    assert f'id="cards-{stages[0].pk}-thought"' in html
    assert f'id="cards-{stages[0].pk}-touchpoint"' in html
    assert 'class="card lane-touchpoint' in html and "알림 문자" in html
    assert 'id="curve"' in html


def test_a_card_is_dropped_into_another_lane_and_stage(editor_client, stages, make_card):
    card = make_card("앱 설치", lane=Lane.ACTION)
    make_card("첫째", stage=stages[2], lane=Lane.PAIN_POINT)
    make_card("둘째", stage=stages[2], lane=Lane.PAIN_POINT)
    response = move(editor_client, card, stage=stages[2].pk, position=1, lane="pain_point")
    assert response.status_code == 200
    cell = stages[2].cards.filter(lane=Lane.PAIN_POINT)
    assert list(cell.values_list("text", flat=True)) == ["첫째", "앱 설치", "둘째"]
    assert list(cell.values_list("position", flat=True)) == [0, 1, 2]


def test_a_touchpoint_leaving_its_lane_leaves_its_channel_behind(editor_client, make_card):
    card = make_card("매장 방문", lane=Lane.TOUCHPOINT, channel="store", is_direct=False)
    TouchpointFigures.objects.create(touchpoint=card)  # opened, nothing written
    assert move(editor_client, card, lane="action").status_code == 200
    card.refresh_from_db()
    assert (card.lane, card.channel) == (Lane.ACTION, "")
    assert not TouchpointFigures.objects.exists()


def test_a_touchpoint_with_emotion_cards_cannot_become_a_thought(editor_client, make_card):
    card = make_card("상담 전화", lane=Lane.TOUCHPOINT, channel="call_centre")
    EmotionCard.objects.create(touchpoint=card, score=-2)
    EmotionCard.objects.create(touchpoint=card, score=1)
    before = where(card)
    response = move(editor_client, card, lane="thought")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/plain")
    message = response.content.decode()
    assert "생각" in message and "감정 카드 2장" in message
    assert where(card) == before and card.channel == "call_centre" and card.version == 1
    assert EmotionCard.objects.filter(touchpoint=card).count() == 2


@pytest.mark.parametrize(
    ("hanging", "to", "named"),
    [
        ("mot", "thought", "MOT"),
        ("figures", "opportunity", "기록의 수치"),
        ("plans", "pain_point", "실행 계획 2개"),
        ("dots", "touchpoint", "점 3개"),
    ],
)
def test_what_hangs_from_a_card_is_named_when_its_new_lane_cannot_hold_it(
    editor_client, make_card, hanging, to, named
):
    lane = Lane.OPPORTUNITY if hanging in ("plans", "dots") else Lane.TOUCHPOINT
    card = make_card("카드", lane=lane)
    if hanging == "mot":
        Card.objects.filter(pk=card.pk).update(is_mot=True)
    elif hanging == "figures":
        TouchpointFigures.objects.create(touchpoint=card, complaints=12)
    elif hanging == "plans":
        for what in ("챗봇 안내", "상담 연결"):
            ActionPlan.objects.create(opportunity=card, what=what)
    else:
        Card.objects.filter(pk=card.pk).update(votes=3)
    card.refresh_from_db()
    before = where(card)
    response = move(editor_client, card, lane=to)
    assert response.status_code == 422
    assert named in response.content.decode()
    assert where(card) == before
    # The domain refuses the same on any path, not only through the form.
    with pytest.raises(LaneChangeRefused):
        card.move_to(card.stage, 0, to)
    assert where(card) == before


def test_an_opportunity_s_plans_follow_it_into_the_touchpoint_lane(editor_client, make_card):
    card = make_card("예약 알림", lane=Lane.OPPORTUNITY)
    plan = ActionPlan.objects.create(
        opportunity=card, what="알림톡 발송", owner="김", due_date=datetime.date(2027, 1, 5)
    )
    response = move(editor_client, card, lane="touchpoint")
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.opportunity_id == card.pk
    # The plans list says what the plan answers now.
    assert 'id="plans"' in response.content.decode()


def test_a_lane_the_map_does_not_have_is_refused(editor_client, make_card):
    card = make_card("카드", lane=Lane.ACTION)
    response = move(editor_client, card, lane="staff")  # a blueprint's lane
    assert response.status_code == 422
    assert where(card)[1] == Lane.ACTION


def test_an_editor_open_on_a_card_that_changed_lane_is_told_it_changed(editor_client, make_card):
    card = make_card("생각", lane=Lane.THOUGHT)
    move(editor_client, card, lane="touchpoint")
    response = editor_client.post(
        reverse("maps:card-update", args=[card.journey_map_id, card.pk]),
        {"text": "고친 생각", "version": "1"},
        **HTMX,
    )
    assert response.status_code == 409
    card.refresh_from_db()
    assert (card.text, card.lane) == ("생각", Lane.TOUCHPOINT)


def test_a_participant_moves_only_between_lanes_the_step_opens(workshop, join, editor_client):
    member = join(workshop, "팀 A")
    journey_map = workshop.teams.get(name="팀 A").journey_map
    stage = journey_map.stages.first()
    action = Card.objects.create(stage=stage, lane=Lane.ACTION, text="행동")
    opportunity = Card.objects.create(stage=stage, lane=Lane.OPPORTUNITY, text="기회")
    control(editor_client, workshop, "step", step=1)  # opens actions, not opportunities
    for card, lane in ((action, "opportunity"), (opportunity, "action")):
        response = move(member, card, lane=lane)
        assert response.status_code == 403
        assert "기회" in response.content.decode()  # names the closed lane
    assert where(action)[1] == Lane.ACTION and where(opportunity)[1] == Lane.OPPORTUNITY
    assert move(member, action, lane="thought").status_code == 200


def test_a_refusal_does_not_count_emotion_cards_still_private(editor_client, make_card):
    card = make_card("상담 채팅", lane=Lane.TOUCHPOINT)
    EmotionCard.objects.create(touchpoint=card, score=1)
    for _ in range(2):  # written during private writing, not revealed yet
        EmotionCard.all_objects.create(
            journey_map=card.journey_map,
            stage=card.stage,
            touchpoint=card,
            score=-2,
            private_to="someone",
        )
    refused = move(editor_client, card, lane="thought")
    said = refused.content.decode()
    assert refused.status_code == 422 and "감정 카드 1장" in said
    assert "3장" not in said and "2장" not in said and "공개되지 않은" in said
    assert where(card)[1] == Lane.TOUCHPOINT
