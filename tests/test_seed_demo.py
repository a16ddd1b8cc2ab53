from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        JourneyMap.objects.count(),
        Card.objects.count(),
        EmotionCard.objects.count(),
        ActionPlan.objects.count(),
        get_user_model().objects.count(),
    )


def test_it_loads_the_korean_worked_example():
    call_command("seed_demo")
    journey_map = JourneyMap.objects.get()
    assert journey_map.persona.name.startswith("안정 추구형 50대")
    assert (journey_map.start_point, journey_map.end_point) == (
        "첫 투자를 했다",
        "세 번째 투자를 한다",
    )
    assert list(journey_map.stages.values_list("name", flat=True)) == [
        "인지",
        "고려",
        "구매",
        "유지 및 추천",
    ]
    assert journey_map.cards.filter(lane=Lane.TOUCHPOINT, is_mot=True).count() == 3
    assert journey_map.emotion_cards.count() == 20
    assert journey_map.emotion_cards.values("author_name").distinct().count() >= 5
    assert journey_map.cards.filter(lane=Lane.PAIN_POINT).exists()
    assert ActionPlan.objects.filter(owner="마케팅 팀장").exists()
    # The emotion dips at consideration and payment, as in DOMAIN.md.
    means = {s.name: s.emotion_mean for s in journey_map.stages.with_emotion_summary()}
    assert means["고려"] < 0 and means["구매"] < 0 and means["유지 및 추천"] > 0
    user = get_user_model().objects.get(username="facilitator")
    assert user.is_staff and user.check_password("journeymap-demo")


def test_running_it_twice_changes_nothing():
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before
