from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from maps.models import ActionPlan, EmotionCard, JourneyMap, Lane

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, journey_map, *args):
    return reverse(f"maps:{name}", args=[journey_map.pk, *args])


@pytest.fixture
def touchpoint(make_card, stages):
    return make_card("앱 결제 화면", lane=Lane.TOUCHPOINT, stage=stages[2])


@pytest.fixture
def opportunity(make_card, stages):
    return make_card("결제 단계 줄이기", lane=Lane.OPPORTUNITY, stage=stages[2])


def test_it_adds_an_emotion_card_to_a_touchpoint(editor_client, journey_map, touchpoint, stages):
    response = editor_client.post(
        url("emotion-add", journey_map),
        {"touchpoint": touchpoint.pk, "score": "-2", "words": "복잡하다"},
        **HTMX,
    )
    assert response.status_code == 200
    emotion = EmotionCard.objects.get()
    assert (emotion.score, emotion.stage, emotion.author_name) == (-2, stages[2], "에디터")
    html = response.content.decode()
    # The touchpoint and the stage header (its mean) swap in; the form comes back empty.
    assert f'<article id="card-{touchpoint.pk}"' in html and "복잡하다" in html
    assert f'<header id="stage-header-{stages[2].pk}"' in html and "−2.0" in html
    assert html.lstrip().startswith(f'<details id="emotion-tp-{touchpoint.pk}"')


def test_it_adds_an_emotion_card_to_a_stage(editor_client, journey_map, stages):
    editor_client.post(
        url("emotion-add", journey_map), {"stage": stages[0].pk, "score": "1"}, **HTMX
    )
    assert EmotionCard.objects.get().touchpoint is None


@pytest.mark.parametrize("score", ["3", "-3", "abc", ""])
def test_scores_outside_the_scale_are_refused(editor_client, journey_map, touchpoint, score):
    response = editor_client.post(
        url("emotion-add", journey_map), {"touchpoint": touchpoint.pk, "score": score}, **HTMX
    )
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not EmotionCard.objects.exists()


def test_an_emotion_card_needs_somewhere_to_go(editor_client, journey_map):
    response = editor_client.post(url("emotion-add", journey_map), {"score": "1"}, **HTMX)
    assert response.status_code == 422
    assert "접점이나 단계에 붙여" in response.content.decode()


def test_emotion_cards_cannot_go_to_another_maps_touchpoint(editor_client, touchpoint):
    other = JourneyMap.objects.create_from_preset(title="o", preset="funnel")
    response = editor_client.post(
        url("emotion-add", other), {"touchpoint": touchpoint.pk, "score": "1"}, **HTMX
    )
    assert response.status_code == 422
    assert not EmotionCard.objects.exists()


def test_it_removes_an_emotion_card(editor_client, journey_map, touchpoint):
    emotion = EmotionCard.objects.create(touchpoint=touchpoint, score=1)
    other = JourneyMap.objects.create_from_preset(title="o", preset="funnel")
    assert editor_client.post(url("emotion-delete", other, emotion.pk)).status_code == 404
    assert (
        editor_client.post(url("emotion-delete", journey_map, emotion.pk), **HTMX).status_code
        == 200
    )
    assert not EmotionCard.objects.exists()


def test_it_adds_an_action_plan_to_an_opportunity(editor_client, journey_map, opportunity):
    due = datetime.date.today() + datetime.timedelta(weeks=3)
    response = editor_client.post(
        url("plan-add", journey_map),
        {
            "opportunity": opportunity.pk,
            "what": "선제 채팅 도입",
            "owner": "마케팅 팀장",
            "due_date": due.isoformat(),
            "status": "todo",
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="plans" class="plans panel" aria-labelledby="plans-title" hx-swap-oob="true"' in html
    plan = ActionPlan.objects.get()
    assert (plan.owner, plan.due_date, plan.journey_map) == ("마케팅 팀장", due, journey_map)


@pytest.mark.parametrize(
    "data",
    [
        {"what": ""},
        {"due_date": "0000-00-00"},
        {"due_date": "2026-02-30"},
        {"status": "later"},
        {"owner": "가" * 101},
    ],
)
def test_invalid_action_plans_are_refused(editor_client, journey_map, opportunity, data):
    payload = {"opportunity": opportunity.pk, "what": "x", "status": "todo", **data}
    response = editor_client.post(url("plan-add", journey_map), payload, **HTMX)
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_action_plans_hang_off_opportunities_and_mots_only(
    editor_client, journey_map, touchpoint, make_card
):
    thought = make_card("비싸다", lane=Lane.THOUGHT)
    for card in (touchpoint, thought):  # a touchpoint that is not a MOT, a thought
        response = editor_client.post(
            url("plan-add", journey_map),
            {"opportunity": card.pk, "what": "x", "status": "todo"},
            **HTMX,
        )
        assert response.status_code == 422
    assert not ActionPlan.objects.exists()
    assert (
        f'id="plan-add-{touchpoint.pk}"'
        not in editor_client.get(url("board", journey_map)).content.decode()
    )


def test_a_mot_touchpoint_takes_a_plan_which_stays_when_it_is_unflagged(
    editor_client, journey_map, touchpoint
):
    touchpoint.is_mot = True
    touchpoint.save()
    board = editor_client.get(url("board", journey_map)).content.decode()
    assert f'id="plan-add-{touchpoint.pk}"' in board
    response = editor_client.post(
        url("plan-add", journey_map),
        {"opportunity": touchpoint.pk, "what": "결제 화면 단순화", "owner": "UX", "status": "todo"},
        **HTMX,
    )
    assert response.status_code == 200
    plan = ActionPlan.objects.get()
    assert plan.opportunity == touchpoint and plan.answers == "★ MOT · 앱 결제 화면"
    assert "★ MOT · 앱 결제 화면" in editor_client.get(
        url("export-csv", journey_map)
    ).content.decode("utf-8-sig")
    editor_client.post(url("card-mot", journey_map, touchpoint.pk), **HTMX)  # unflagged
    touchpoint.refresh_from_db()
    assert not touchpoint.is_mot and ActionPlan.objects.filter(opportunity=touchpoint).exists()
    response = editor_client.post(
        url("plan-update", journey_map, plan.pk),
        {"what": "결제 화면 단순화 2차", "owner": "UX", "status": "doing"},
        **HTMX,
    )
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.what == "결제 화면 단순화 2차"
    board = editor_client.get(url("board", journey_map)).content.decode()
    assert "결제 화면 단순화 2차" in board and f'id="plan-add-{touchpoint.pk}"' not in board


def test_it_edits_and_deletes_an_action_plan(editor_client, journey_map, opportunity):
    plan = ActionPlan.objects.create(opportunity=opportunity, what="초안")
    assert editor_client.get(url("plan-update", journey_map, plan.pk), **HTMX).status_code == 200
    response = editor_client.post(
        url("plan-update", journey_map, plan.pk),
        {"what": "시안 작성", "owner": "UX 디자이너", "due_date": "", "status": "doing"},
        **HTMX,
    )
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    assert 'id="plans"' in response.content.decode()
    plan.refresh_from_db()
    assert (plan.what, plan.status) == ("시안 작성", "doing")
    cancel = editor_client.get(url("plan-update", journey_map, plan.pk) + "?cancel=1", **HTMX)
    assert f'<tr id="plan-{plan.pk}"' in cancel.content.decode()
    editor_client.post(url("plan-delete", journey_map, plan.pk), **HTMX)
    assert not ActionPlan.objects.exists()


def test_plans_of_another_map_are_404(editor_client, opportunity):
    plan = ActionPlan.objects.create(opportunity=opportunity, what="초안")
    other = JourneyMap.objects.create_from_preset(title="o", preset="funnel")
    assert editor_client.post(url("plan-update", other, plan.pk), {"what": "x"}).status_code == 404
    assert editor_client.post(url("plan-delete", other, plan.pk)).status_code == 404
    assert ActionPlan.objects.get().what == "초안"


def test_plan_and_emotion_writes_need_post_and_login(
    client, editor_client, journey_map, opportunity
):
    plan = ActionPlan.objects.create(opportunity=opportunity, what="초안")
    # Asked without a card, the forms that load when opened are not found; deletes want POST.
    assert editor_client.get(url("plan-add", journey_map)).status_code == 404
    assert editor_client.get(url("plan-delete", journey_map, plan.pk)).status_code == 405
    assert editor_client.get(url("emotion-add", journey_map)).status_code == 404
    opened = editor_client.get(url("plan-add", journey_map), {"opportunity": opportunity.pk})
    assert opened.status_code == 200 and 'name="what"' in opened.content.decode()
    client.logout()
    assert client.post(url("plan-delete", journey_map, plan.pk)).status_code == 302
    assert ActionPlan.objects.exists()
