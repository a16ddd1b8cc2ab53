from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane, MapType, Stage

pytestmark = pytest.mark.django_db


def positions(stage, lane=Lane.ACTION):
    return list(stage.cards.filter(lane=lane).order_by("position").values_list("text", "position"))


def test_a_map_from_a_preset_gets_its_stages_in_order():
    journey_map = JourneyMap.objects.create_from_preset(title="m", preset="aida")
    assert [(s.name, s.position) for s in journey_map.stages.all()] == [
        ("인식", 0),
        ("관심", 1),
        ("구입", 2),
        ("경험", 3),
        ("충성도", 4),
    ]


def test_a_blank_map_has_no_stages():
    assert JourneyMap.objects.create_from_preset(title="m", preset="blank").stages.count() == 0


def test_blueprint_maps_have_backstage_lanes(journey_map):
    assert Lane.STAFF not in journey_map.lanes
    journey_map.map_type = MapType.BLUEPRINT
    assert journey_map.lanes[-4:] == [Lane.STAFF, Lane.SYSTEM, Lane.SUPPORT, Lane.POLICY]
    assert journey_map.lanes[0] == Lane.PHYSICAL  # the method's evidence lane, on top


def test_emotion_score_outside_minus2_to_2_is_refused_by_the_database(stages):
    with pytest.raises(IntegrityError), transaction.atomic():
        EmotionCard.objects.bulk_create(
            [EmotionCard(journey_map=stages[0].journey_map, stage=stages[0], score=3)]
        )
    assert EmotionCard.objects.count() == 0


def test_only_touchpoints_can_be_mot_in_the_database(make_card):
    card = make_card("행동")
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.filter(pk=card.pk).update(is_mot=True)
    card.refresh_from_db()
    assert card.is_mot is False


def test_moving_within_a_cell_keeps_positions_dense(make_card, stages):
    make_card("a"), make_card("b")
    c = make_card("c")
    c.move_to(stages[0], 0)
    assert positions(stages[0]) == [("c", 0), ("a", 1), ("b", 2)]
    c.move_to(stages[0], 99)  # clamped to the end
    assert positions(stages[0]) == [("a", 0), ("b", 1), ("c", 2)]


def test_moving_to_another_stage_closes_the_gap_and_opens_a_slot(make_card, stages):
    make_card("a")
    b = make_card("b")
    make_card("c")
    make_card("d", stage=stages[1])
    b.move_to(stages[1], 0)
    assert positions(stages[0]) == [("a", 0), ("c", 1)]
    assert positions(stages[1]) == [("b", 0), ("d", 1)]


def test_a_touchpoint_takes_its_emotion_cards_along_when_it_moves(make_card, stages):
    touchpoint = make_card("앱", lane=Lane.TOUCHPOINT)
    EmotionCard.objects.create(touchpoint=touchpoint, score=-1)
    touchpoint.move_to(stages[2], 0)
    assert list(EmotionCard.objects.values_list("stage", flat=True)) == [stages[2].pk]


def test_deleting_a_card_keeps_positions_dense(make_card, stages):
    make_card("a")
    b = make_card("b")
    make_card("c")
    b.delete()
    assert positions(stages[0]) == [("a", 0), ("c", 1)]


def test_a_card_cannot_move_to_a_stage_of_another_map(make_card):
    card = make_card("a")
    other = JourneyMap.objects.create_from_preset(title="other", preset="funnel")
    with pytest.raises(ValidationError):
        card.move_to(other.stages.first(), 0)
    card.refresh_from_db()
    assert card.stage.journey_map_id == card.journey_map_id


def test_a_card_cannot_be_saved_into_a_stage_of_another_map(journey_map):
    other = JourneyMap.objects.create_from_preset(title="other", preset="funnel")
    with pytest.raises(ValidationError):
        Card.objects.create(
            journey_map=journey_map, stage=other.stages.first(), lane=Lane.ACTION, text="x"
        )
    assert Card.objects.count() == 0


def test_an_emotion_card_cannot_join_a_touchpoint_of_another_map(journey_map, make_card):
    touchpoint = make_card("앱", lane=Lane.TOUCHPOINT)
    other = JourneyMap.objects.create_from_preset(title="other", preset="funnel")
    with pytest.raises(ValidationError):
        EmotionCard.objects.create(journey_map=other, touchpoint=touchpoint, score=1)
    assert EmotionCard.objects.count() == 0


def test_action_plans_come_only_from_opportunities_of_the_same_map(make_card):
    action = make_card("행동")
    with pytest.raises(ValidationError):
        ActionPlan.objects.create(opportunity=action, what="x")
    opportunity = make_card("기회", lane=Lane.OPPORTUNITY)
    other = JourneyMap.objects.create_from_preset(title="other", preset="funnel")
    with pytest.raises(ValidationError):
        ActionPlan.objects.create(journey_map=other, opportunity=opportunity, what="x")
    plan = ActionPlan.objects.create(opportunity=opportunity, what="채팅 도입")
    assert plan.journey_map_id == opportunity.journey_map_id


def test_emotion_summary_per_stage_in_one_query(
    journey_map, stages, make_card, django_assert_num_queries
):
    touchpoint = make_card("앱", lane=Lane.TOUCHPOINT, stage=stages[1])
    EmotionCard.objects.create(stage=stages[0], score=2)
    for score in (-2, -1, 0):
        EmotionCard.objects.create(touchpoint=touchpoint, score=score)
    with django_assert_num_queries(1):
        summary = {s.name: s for s in journey_map.stages.with_emotion_summary()}
    one, many, empty = summary["인지"], summary["고려"], summary["구매"]
    assert (one.emotion_count, one.emotion_mean, one.emotion_min, one.emotion_max) == (1, 2, 2, 2)
    assert (many.emotion_count, many.emotion_min, many.emotion_max) == (3, -2, 0)
    assert many.emotion_mean == pytest.approx(-1.0)
    assert (empty.emotion_count, empty.emotion_mean, empty.emotion_min) == (0, None, None)


def test_moving_a_stage_renumbers_the_others(journey_map, stages):
    stages[3].move_to(0)
    assert list(journey_map.stages.values_list("name", "position")) == [
        ("유지 및 추천", 0),
        ("인지", 1),
        ("고려", 2),
        ("구매", 3),
    ]


def test_deleting_a_stage_renumbers_the_rest_and_takes_its_cards(journey_map, stages, make_card):
    make_card("a", stage=stages[1])
    stages[1].delete()
    assert list(journey_map.stages.values_list("position", flat=True)) == [0, 1, 2]
    assert Card.objects.count() == 0


def test_add_stage_appends_or_inserts(journey_map):
    journey_map.add_stage("재구매")
    journey_map.add_stage("탐색", position=1)
    assert list(journey_map.stages.values_list("name", flat=True)) == [
        "인지",
        "탐색",
        "고려",
        "구매",
        "유지 및 추천",
        "재구매",
    ]


def test_stage_of_a_card_stays_in_its_map_after_admin_style_save(make_card, stages):
    card = make_card("a")
    card.stage = stages[2]
    card.save()
    assert Stage.objects.get(pk=card.stage_id).journey_map_id == card.journey_map_id
