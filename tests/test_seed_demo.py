from __future__ import annotations

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        JourneyMap.objects.count(),
        Card.objects.count(),
        EmotionCard.objects.count(),
        ActionPlan.objects.count(),
        get_user_model().objects.count(),
    )


def test_it_loads_the_korean_worked_example(settings):
    settings.DEBUG = True  # as `make run` seeds it
    call_command("seed_demo")
    journey_map = JourneyMap.objects.get(team=None)
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


def test_in_production_the_demo_login_gets_a_random_password_shown_once(settings):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    user = get_user_model().objects.get(username="facilitator")
    assert not user.check_password("journeymap-demo")
    password = re.search(r"shown only now: (\S+)", out.getvalue()).group(1)
    assert len(password) >= 16 and user.check_password(password)
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert password not in again.getvalue() and user.check_password(password)


def test_it_makes_a_demo_workshop_with_two_teams_and_the_default_agenda():
    call_command("seed_demo")
    workshop = Workshop.objects.get(closed_at=None)
    assert [team.name for team in workshop.teams.all()] == [
        "1팀 · 에너지 투자",
        "2팀 · 온라인 상담",
    ]
    assert [step.minutes for step in workshop.steps.all()] == [25, 25, 20, 15]
    assert workshop.can_join
    assert all(team.journey_map.stages.count() == 4 for team in workshop.teams.all())


def test_a_demo_workshop_whose_date_passed_moves_to_today():
    call_command("seed_demo")
    Workshop.objects.filter(closed_at=None).update(date=datetime.date(2020, 1, 1))
    call_command("seed_demo")
    assert Workshop.objects.get(closed_at=None).can_join


def test_running_it_twice_changes_nothing():
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)  # the PDF reads committed rows
def test_a_finished_demo_workshop_has_maps_whose_pdf_shows_the_product(client, poppler, tmp_path):
    """Closed, two teams on the loan example: curve, MOTs and plans with owners on page 1."""
    import subprocess

    from django.contrib.auth import get_user_model
    from django.urls import reverse

    call_command("seed_demo")
    held = Workshop.objects.exclude(closed_at=None).get()
    assert held.teams.count() == 2
    for team in held.teams.all():
        assert team.journey_map.cards.count() >= 20
        assert team.journey_map.action_plans.exclude(owner="").exists()
    client.force_login(get_user_model().objects.get(username="facilitator"))
    response = client.get(reverse("workshops:export-pdf", args=[held.pk]))
    assert response.status_code == 200
    (tmp_path / "held.pdf").write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "held.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "1팀 · 모바일 대출" in text and "2팀 · 지점 대출" in text
    assert "진실의 순간" in text and "액션 플랜" in text


@pytest.mark.django_db(transaction=True)  # the PDF reads committed rows
def test_the_demo_map_s_overview_is_one_page(client, poppler, tmp_path):
    """The demo board has everything the overview shows (persona, MOTs, blind spots, pains,
    plans): all of it, and the legend after it, on page 1."""
    import subprocess

    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from maps.models import JourneyMap

    call_command("seed_demo")
    demo = JourneyMap.objects.filter(team=None).order_by("pk").first()
    client.force_login(get_user_model().objects.get(username="facilitator"))
    response = client.get(reverse("maps:export-pdf", args=[demo.pk]))
    assert response.status_code == 200
    (tmp_path / "demo.pdf").write_bytes(response.content)
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "demo.pdf"), "-"],
        capture_output=True,
        text=True,
    ).stdout
    assert "사각지대" in first and "가장 아픈 곳" in first and "액션 플랜" in first
    assert "읽는 법" in first  # the legend closes the overview on its own page
