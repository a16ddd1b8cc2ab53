"""The agenda: the server keeps the clock, each step opens parts of the map, and the
facilitator can lock the board or close the workshop."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maps.models import Card, Lane
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

HTMX = {"headers": {"HX-Request": "true"}}


def control(client, workshop, action, **data):
    return client.post(reverse(f"workshops:control-{action}", args=[workshop.pk]), data, **HTMX)


def seconds_shown(html: str) -> int:
    return int(re.search(r'data-seconds-left="(-?\d+)"', html).group(1))


def board_url(workshop, team="팀 A"):
    return reverse("maps:board", args=[workshop.teams.get(name=team).journey_map_id])


def add_card(client, workshop, lane, text="카드", team="팀 A"):
    journey_map = workshop.teams.get(name=team).journey_map
    stage = journey_map.stages.first()
    return client.post(
        reverse("maps:card-add", args=[journey_map.pk]),
        {"stage": stage.pk, "lane": lane, "text": text},
        **HTMX,
    )


def test_the_default_agenda_is_the_four_steps_with_their_timeboxes(workshop):
    steps = list(workshop.steps.all())
    assert [s.minutes for s in steps] == [25, 25, 20, 15]
    assert "setup" in steps[0].areas
    assert {"action", "touchpoint", "emotion"} <= set(steps[1].areas)
    assert {"opportunity", "plan"} <= set(steps[2].areas)
    assert steps[3].areas == []


def test_starting_shows_step_1_and_its_full_timebox_to_participants(workshop, join, editor_client):
    member = join(workshop, "팀 A")
    before = member.get(board_url(workshop)).content.decode()
    assert "data-seconds-left" not in before
    control(editor_client, workshop, "start")
    html = member.get(board_url(workshop)).content.decode()
    assert 'data-testid="current-step"' in html
    assert 25 * 60 - 5 <= seconds_shown(html) <= 25 * 60


def test_someone_who_joins_late_sees_the_time_actually_left(workshop, join, editor_client):
    control(editor_client, workshop, "step", step=1)
    # Ten minutes pass (the clock is a stored end time, so moving it back is the same).
    Workshop.objects.filter(pk=workshop.pk).update(
        clock_ends_at=timezone.now() + datetime.timedelta(minutes=15)
    )
    late = join(workshop, "팀 B", "늦은 사람")
    html = late.get(board_url(workshop, "팀 B")).content.decode()
    assert 15 * 60 - 5 <= seconds_shown(html) <= 15 * 60
    assert "Step 2 of 4" in html or "4단계 중 2단계" in html


def test_pause_keeps_the_time_left_and_resume_continues_from_it(workshop, editor_client):
    control(editor_client, workshop, "start")
    Workshop.objects.filter(pk=workshop.pk).update(
        clock_ends_at=timezone.now() + datetime.timedelta(seconds=600)
    )
    control(editor_client, workshop, "pause")
    workshop.refresh_from_db()
    assert not workshop.clock_running and 595 <= workshop.seconds_left() <= 600
    # Paused time does not run out, however long the pause.
    later = timezone.now() + datetime.timedelta(hours=1)
    assert workshop.seconds_left(later) == workshop.clock_left
    control(editor_client, workshop, "resume")
    workshop.refresh_from_db()
    assert workshop.clock_running and 590 <= workshop.seconds_left() <= 600


def test_extend_adds_minutes_and_an_overrun_shows_as_negative(workshop, editor_client):
    control(editor_client, workshop, "start")
    Workshop.objects.filter(pk=workshop.pk).update(
        clock_ends_at=timezone.now() - datetime.timedelta(seconds=90)
    )
    workshop.refresh_from_db()
    assert workshop.seconds_left() <= -90
    control(editor_client, workshop, "extend", minutes=5)
    workshop.refresh_from_db()
    # Extending an overrun step gives five minutes from now, not five minus the overrun.
    assert 295 <= workshop.seconds_left() <= 300


def test_a_bad_control_is_refused_and_changes_nothing(workshop, editor_client):
    response = control(editor_client, workshop, "extend", minutes=5)  # not started
    assert response.status_code == 422
    response = control(editor_client, workshop, "step", step=9)
    assert response.status_code == 422
    response = control(editor_client, workshop, "step", step="셋")
    assert response.status_code == 422
    assert editor_client.post(f"/workshops/{workshop.pk}/control/explode/").status_code == 404
    workshop.refresh_from_db()
    assert workshop.step_index is None


def test_a_step_opens_only_its_lanes_and_says_which_step_opens_the_others(
    workshop, join, editor_client
):
    member = join(workshop, "팀 A")
    assert add_card(member, workshop, Lane.OPPORTUNITY).status_code == 200  # not started: open
    control(editor_client, workshop, "step", step=1)
    assert add_card(member, workshop, Lane.ACTION, "행동").status_code == 200
    refused = add_card(member, workshop, Lane.OPPORTUNITY, "막힌 카드")
    assert refused.status_code == 403
    message = refused.content.decode()
    assert "3" in message  # step 3 opens opportunities
    assert not Card.objects.filter(text="막힌 카드").exists()
    # The facilitator writes anywhere.
    assert add_card(editor_client, workshop, Lane.OPPORTUNITY, "퍼실리테이터").status_code == 200


def test_the_facilitator_can_open_a_lane_in_the_current_step(workshop, join, editor_client):
    member = join(workshop, "팀 A")
    control(editor_client, workshop, "step", step=1)
    step = workshop.steps.get(position=1)
    response = editor_client.post(
        reverse("workshops:step", args=[workshop.pk, step.pk]),
        {
            f"s{step.pk}-title": step.title,
            f"s{step.pk}-minutes": 25,
            f"s{step.pk}-areas": [*step.areas, "opportunity"],
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert add_card(member, workshop, Lane.OPPORTUNITY, "열린 카드").status_code == 200


def test_a_step_with_a_bad_timebox_is_refused(workshop, editor_client):
    step = workshop.steps.first()
    response = editor_client.post(
        reverse("workshops:step", args=[workshop.pk, step.pk]),
        {f"s{step.pk}-title": "x", f"s{step.pk}-minutes": 0},
        **HTMX,
    )
    assert response.status_code == 422
    step.refresh_from_db()
    assert step.minutes == 25


def test_locking_the_board_stops_participants_not_the_facilitator(workshop, join, editor_client):
    member = join(workshop, "팀 A")
    control(editor_client, workshop, "lock")
    refused = add_card(member, workshop, Lane.ACTION, "잠긴 카드")
    assert refused.status_code == 403 and refused["Content-Type"].startswith("text/plain")
    assert not Card.objects.filter(text="잠긴 카드").exists()
    assert add_card(editor_client, workshop, Lane.ACTION).status_code == 200
    assert "data-read-only" in member.get(board_url(workshop)).content.decode()
    control(editor_client, workshop, "unlock")
    assert add_card(member, workshop, Lane.ACTION, "풀린 카드").status_code == 200


def test_a_closed_workshop_refuses_every_write_and_keeps_the_record(workshop, join, editor_client):
    member = join(workshop, "팀 A")
    add_card(member, workshop, Lane.ACTION, "남는 카드")
    control(editor_client, workshop, "close")
    for client in (member, editor_client):
        assert add_card(client, workshop, Lane.ACTION, "닫힌 뒤").status_code == 403
    assert not Card.objects.filter(text="닫힌 뒤").exists()
    assert Card.objects.filter(text="남는 카드").exists()
    # Reading and exporting still work.
    assert member.get(board_url(workshop)).status_code == 200
    team_map = workshop.teams.get(name="팀 A").journey_map
    assert member.get(reverse("maps:export-csv", args=[team_map.pk])).status_code == 200
    # A page (no htmx) explains too, with a way back.
    page = member.post(
        reverse("maps:stage-add", args=[team_map.pk]), {"name": "x"}, HTTP_REFERER="/"
    )
    assert page.status_code == 403 and 'role="alert"' in page.content.decode()
    assert control(editor_client, workshop, "lock").status_code == 422
    control(editor_client, workshop, "reopen")
    assert add_card(member, workshop, Lane.ACTION, "다시 연 뒤").status_code == 200


def test_console_changes_are_pushed_to_every_team_room(
    workshop, editor_client, django_capture_on_commit_callbacks, monkeypatch
):
    from workshops import broadcast

    sent = []
    monkeypatch.setattr(broadcast, "send", lambda map_id, message: sent.append((map_id, message)))
    with django_capture_on_commit_callbacks(execute=True):
        control(editor_client, workshop, "step", step=1)
    team_maps = {team.journey_map_id for team in workshop.teams.all()}
    assert {map_id for map_id, _m in sent} == team_maps
    for _map_id, message in sent:
        assert 'id="room-bar"' in message["html"] and 'hx-swap-oob="true"' in message["html"]
        assert "data-seconds-left" in message["html"]
        assert "csrfmiddlewaretoken" not in message["html"]


def test_the_console_overview_counts_and_flags_what_needs_attention(
    workshop, join, editor_client, django_assert_max_num_queries
):
    join(workshop, "팀 A", "에이")
    team_map = workshop.teams.get(name="팀 A").journey_map
    stage = team_map.stages.first()
    Card.objects.create(stage=stage, lane=Lane.TOUCHPOINT, text="앱")
    Card.objects.create(stage=stage, lane=Lane.OPPORTUNITY, text="기회")
    html = editor_client.get(reverse("workshops:teams", args=[workshop.pk])).content.decode()
    team_a = html.split(f'data-testid="team-{team_map.team.pk}"')[1].split("</article>")[0]
    assert "에이" in team_a
    attention = re.findall(r"<li>([^<]+)</li>", team_a.split('class="attention"')[1])
    # Three stages without a touchpoint, one touchpoint without emotion cards, one
    # opportunity without a plan; the same sentences in either language.
    assert [re.sub(r"\D", "", item) for item in attention] == ["3", "1", "1"]
    # A fixed number of queries, however many teams.
    for i in range(5):
        workshop.add_team(f"추가 {i}", position=5 + i)
    with django_assert_max_num_queries(16):
        editor_client.get(reverse("workshops:teams", args=[workshop.pk]))


def test_creating_a_workshop_makes_a_map_per_team(editor_client):
    response = editor_client.post(
        reverse("workshops:list"),
        {
            "title": "3월 워크숍",
            "date": "2026-12-01",
            "teams": "1팀\n\n 2팀 \n3팀",
            "preset": "aida",
        },
    )
    workshop = Workshop.objects.get()
    assert response["Location"] == reverse("workshops:console", args=[workshop.pk])
    assert [t.name for t in workshop.teams.all()] == ["1팀", "2팀", "3팀"]
    assert all(t.journey_map.stages.count() == 5 for t in workshop.teams.all())


@pytest.mark.parametrize(
    "teams", ["", "같은 팀\n같은 팀", "\n".join(f"팀{i}" for i in range(13)), "가" * 101]
)
def test_bad_team_lists_are_refused_with_a_message(editor_client, teams):
    response = editor_client.post(
        reverse("workshops:list"),
        {"title": "워크숍", "date": "2026-12-01", "teams": teams, "preset": "aida"},
    )
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not Workshop.objects.exists()


def test_the_qr_code_is_an_svg_of_the_join_link(workshop, editor_client):
    response = editor_client.get(reverse("workshops:qr", args=[workshop.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content


def test_anonymous_people_are_asked_to_log_in_for_the_console(workshop):
    response = Client().get(reverse("workshops:console", args=[workshop.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_mots_can_be_chosen_in_steps_2_and_3_but_not_in_step_1(workshop, join, sent):
    member = join(workshop, "팀 A")
    journey_map = workshop.teams.get(name="팀 A").journey_map
    touchpoint = Card.objects.create(
        stage=journey_map.stages.first(), lane=Lane.TOUCHPOINT, text="앱 결제 화면"
    )
    url = reverse("maps:card-mot", args=[journey_map.pk, touchpoint.pk])
    workshop.go_to_step(0)
    refused = member.post(url, **HTMX)
    assert refused.status_code == 403
    touchpoint.refresh_from_db()
    assert not touchpoint.is_mot
    workshop.go_to_step(2)  # improvements and plans: touchpoints closed, MOT selection open
    assert "touchpoint" not in workshop.open_areas() and "mot" in workshop.open_areas()
    assert member.post(url, **HTMX).status_code == 200
    touchpoint.refresh_from_db()
    assert touchpoint.is_mot
