from __future__ import annotations

import pytest
from django.urls import reverse

from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane, Persona, Stage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Persona, JourneyMap, Stage, Card, EmotionCard, ActionPlan])
def test_every_model_has_a_working_admin(admin_client, model, make_card):
    tp = make_card("앱", lane=Lane.TOUCHPOINT)
    EmotionCard.objects.create(touchpoint=tp, score=1)
    ActionPlan.objects.create(opportunity=make_card("기회", lane=Lane.OPPORTUNITY), what="x")
    meta = model._meta
    assert admin_client.get(reverse(f"admin:maps_{meta.model_name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:maps_{meta.model_name}_add")).status_code == 200


def test_the_admin_refuses_a_card_in_another_maps_stage(admin_client, make_card):
    card = make_card("원래 카드")
    other = JourneyMap.objects.create_from_preset(title="다른 지도", preset="funnel")
    response = admin_client.post(
        reverse("admin:maps_card_change", args=[card.pk]),
        {
            "stage": other.stages.first().pk,
            "lane": "action",
            "position": 0,
            "text": "바뀜",
            "channel": "",
            "channel_other": "",
            "is_direct": "on",
            "votes": 0,
            "version": 1,
        },
    )
    assert response.status_code == 200
    assert "다른 지도의 단계" in response.content.decode()
    card.refresh_from_db()
    assert card.text == "원래 카드"
