"""The facilitator sees what is happening: team cards that follow the agenda, last activity
as "2분 전", who is online now, the same name twice told apart, and a removed participant's
browser told so rather than shown a bare 404."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maps.models import ActionPlan, Card, JourneyMap, Lane, Persona
from workshops.models import Participant

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def teams_html(client, workshop) -> str:
    return client.get(reverse("workshops:teams", args=[workshop.pk])).content.decode()


def team_card(html: str, team) -> str:
    start = html.index(f'data-testid="team-{team.pk}"')
    end = html.find("</article>", start)
    return html[start:end]


def checklist(html: str, team) -> str:
    card = team_card(html, team)
    return card[
        card.index('data-testid="checklist"') : card.index("</ul>", card.index("checklist"))
    ]


def test_step_1_shows_the_setup_checklist_item_by_item(workshop, editor_client):
    workshop.go_to_step(0)
    team = workshop.teams.get(name="팀 A")
    card = checklist(teams_html(editor_client, workshop), team)
    assert card.count("○") == 3  # topic, start and end point, persona: not yet
    assert card.count("✓") == 1  # four stages already (the preset)
    journey_map = team.journey_map
    journey_map.topic = "에너지 투자 상품 가입"
    journey_map.start_point, journey_map.end_point = "광고를 본다", "가입을 마친다"
    journey_map.persona = Persona.objects.create(name="김하늘", profile="35세 직장인")
    journey_map.save()
    card = checklist(teams_html(editor_client, workshop), team)
    assert card.count("○") == 0 and card.count("✓") == 4
    # Step 2 has no setup to check: the checklist is gone and the open lanes are counted.
    workshop.go_to_step(1)
    card = team_card(teams_html(editor_client, workshop), team)
    assert 'data-testid="checklist"' not in card
    assert str(Lane.TOUCHPOINT.label) in card and str(Lane.OPPORTUNITY.label) not in card


def test_step_3_counts_plans_and_the_incomplete_ones(workshop, editor_client):
    workshop.go_to_step(2)
    team = workshop.teams.get(name="팀 A")
    stage = team.journey_map.stages.first()
    opportunity = Card.objects.create(stage=stage, lane=Lane.OPPORTUNITY, text="기회")
    for owner in ("김담당", ""):
        ActionPlan.objects.create(
            journey_map=team.journey_map,
            opportunity=opportunity,
            what="할 일",
            owner=owner,
            due_date=datetime.date(2027, 1, 15),
        )
    card = team_card(teams_html(editor_client, workshop), team)
    assert re.search(r"<dd>2 <span class=\"incomplete\">\((1 incomplete|미완성 1개)\)", card)
    assert str(Lane.OPPORTUNITY.label) in card and str(Lane.ACTION.label) not in card


def test_last_activity_reads_as_minutes_ago(workshop, editor_client):
    team = workshop.teams.get(name="팀 A")
    html = team_card(teams_html(editor_client, workshop), team)
    assert re.search(r'data-testid="last-activity">(방금|just now)<', html)
    JourneyMap.objects.filter(pk=team.journey_map_id).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=2, seconds=5)
    )
    html = team_card(teams_html(editor_client, workshop), team)
    assert re.search(r'data-testid="last-activity">(2분 전|2 minutes ago)<', html)


def test_who_has_the_board_open_shows_as_online(workshop, editor_client, join):
    member = join(workshop, "팀 A", "에이")
    join(workshop, "팀 A", "비")
    team = workshop.teams.get(name="팀 A")
    member.get(reverse("maps:board", args=[team.journey_map_id]))
    card = team_card(teams_html(editor_client, workshop), team)
    chips = re.findall(
        r'<li class="(online|away)"[^>]*data-testid="member">\s*.*?</span>([^<]+)', card
    )
    assert [(state, name.strip().rstrip(":")) for state, name in chips] == [
        ("online", "에이"),
        ("away", "비"),
    ]
    # Seen five minutes ago and not since: away.
    Participant.objects.filter(display_name="에이").update(
        seen_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    card = team_card(teams_html(editor_client, workshop), team)
    assert 'class="online"' not in card


def test_the_board_re_reading_itself_writes_seen_at_most_every_45_seconds(
    workshop, join, django_assert_num_queries
):
    member = join(workshop, "팀 A", "에이")
    team = workshop.teams.get(name="팀 A")
    url = reverse("maps:snapshot", args=[team.journey_map_id])
    member.get(url, {"since": team.journey_map.seq}, **HTMX)
    first = Participant.objects.get().seen_at
    assert first is not None
    with django_assert_num_queries(3) as counted:  # session, map and team, participant
        member.get(url, {"since": team.journey_map.seq}, **HTMX)
    assert not any(q["sql"].startswith("UPDATE") for q in counted.captured_queries)
    assert Participant.objects.get().seen_at == first


def test_the_same_name_twice_says_when_each_joined(workshop, editor_client, join):
    join(workshop, "팀 A", "김민지")
    join(workshop, "팀 B", "김민지")
    join(workshop, "팀 B", "박준호")
    html = teams_html(editor_client, workshop)
    assert len(re.findall(r"김민지 <span class=\"hint\">· (합류|joined) \d\d:\d\d", html)) == 2
    assert not re.search(r"박준호 <span class=\"hint\">", html)


def test_a_removed_participant_is_told_so_everywhere_and_changes_nothing(
    workshop, editor_client, join
):
    member = join(workshop, "팀 A", "에이")
    team = workshop.teams.get(name="팀 A")
    participant = Participant.objects.get()
    editor_client.post(reverse("workshops:participant-remove", args=[workshop.pk, participant.pk]))
    board = member.get(reverse("maps:board", args=[team.journey_map_id]))
    assert board.status_code == 410
    text = board.content.decode()
    assert "워크숍에서 내보냈습니다" in text or "removed you" in text
    assert reverse("workshops:join-code") in text
    snapshot = member.get(reverse("maps:snapshot", args=[team.journey_map_id]), **HTMX)
    assert snapshot.status_code == 410 and snapshot["Content-Type"].startswith("text/plain")
    stage = team.journey_map.stages.first()
    write = member.post(
        reverse("maps:card-add", args=[team.journey_map_id]),
        {"stage": stage.pk, "lane": Lane.ACTION, "text": "몰래"},
        **HTMX,
    )
    assert write.status_code == 410 and not Card.objects.exists()
    # Every map of the workshop says the same.
    other = workshop.teams.get(name="팀 B")
    assert member.get(reverse("maps:board", args=[other.journey_map_id])).status_code == 410
    # Someone who was never in the workshop still finds nothing there.
    from django.test import Client

    stranger = Client()
    assert stranger.get(reverse("maps:board", args=[team.journey_map_id])).status_code == 302
