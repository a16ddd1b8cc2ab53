"""Plans followed after the workshop: the owner's link (this plan alone, no account, rotatable),
progress notes and results reaching the board, the plans pages, and the calendar feeds."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maps.followup import PlanGroups
from maps.models import ActionPlan, Card, Lane, PlanNote

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def plans(workshop, editor):
    facilitator = Client()
    facilitator.force_login(editor)
    team_map = workshop.teams.get(name="팀 A").journey_map
    stage = team_map.stages.first()
    chat = Card.objects.create(stage=stage, lane=Lane.OPPORTUNITY, text="선제 채팅 메시지")
    day = datetime.timedelta(days=1)
    made = {
        "late": ActionPlan.objects.create(
            opportunity=chat, what="채팅 문구 쓰기", owner="마케팅 팀장", due_date=TODAY - day
        ),
        "soon": ActionPlan.objects.create(
            opportunity=chat, what="대상 고객 정하기", owner="마케팅 팀장", due_date=TODAY
        ),
        "loose": ActionPlan.objects.create(opportunity=chat, what="효과 측정"),
        "done": ActionPlan.objects.create(
            opportunity=chat,
            what="시범 운영",
            owner="CS 파트장",
            due_date=TODAY - 10 * day,
            status="done",
            result="누적 문의 80건",
            result_number=80,
        ),
    }
    other_map = workshop.teams.get(name="팀 B").journey_map
    other = Card.objects.create(
        stage=other_map.stages.first(), lane=Lane.OPPORTUNITY, text="다른 팀 기회"
    )
    made["other_team"] = ActionPlan.objects.create(
        opportunity=other, what="다른 팀 계획", owner="마케팅 팀장", due_date=TODAY + 30 * day
    )
    return {"map": team_map, "facilitator": facilitator, "workshop": workshop, **made}


def owner_url(facilitator, plan) -> str:
    page = facilitator.get(reverse("maps:plan-owner-link", args=[plan.journey_map_id, plan.pk]))
    assert page.status_code == 200
    plan.refresh_from_db()
    assert len(plan.owner_token) >= 32  # 192 random bits
    url = reverse("workshops:owner", args=[plan.owner_token])
    assert url in page.content.decode()
    return url


def test_the_owner_records_a_result_and_the_board_hears_it(
    plans, sent, django_capture_on_commit_callbacks
):
    plan = plans["late"]
    url = owner_url(plans["facilitator"], plan)
    owner = Client()
    page = owner.get(url).content.decode()
    assert "채팅 문구 쓰기" in page and "선제 채팅 메시지" in page and "기한 지남" in page
    data = {"status": "done", "result": "누적 문의 80건", "result_number": "80"}
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(url, data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.result, plan.result_number) == ("done", "누적 문의 80건", 80)
    [push] = sent
    assert f'id="plan-{plan.pk}"' in push["html"] and "누적 문의 80건" in push["html"]
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(url, {"text": "3주 동안 핵심 리드 문의 80건"})
    assert PlanNote.objects.get(plan=plan).author_name == "마케팅 팀장"
    assert len(sent) == 2
    assert "3주 동안 핵심 리드 문의 80건" in owner.get(url).content.decode()


def test_the_owner_link_opens_that_plan_and_nothing_else(plans):
    plan = plans["late"]
    owner = Client()
    assert owner.get(owner_url(plans["facilitator"], plan)).status_code == 200
    m = plans["map"].pk
    for path in (
        reverse("maps:board", args=[m]),
        reverse("maps:plans", args=[m]),
        reverse("maps:export-json", args=[m]),
        reverse("maps:plan-owner-link", args=[m, plan.pk]),
    ):
        response = owner.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path
    response = owner.post(
        reverse("maps:plan-update", args=[m, plan.pk]), {"what": "바뀜", "status": "todo"}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    plan.refresh_from_db()
    assert plan.what == "채팅 문구 쓰기"
    assert owner.get(reverse("workshops:owner", args=["x" * 32])).status_code == 404
    assert owner.get(reverse("workshops:plans", args=[plans["workshop"].pk])).status_code == 302


def test_a_rotated_owner_link_grants_nothing(plans):
    plan = plans["late"]
    old = owner_url(plans["facilitator"], plan)
    response = plans["facilitator"].post(
        reverse("maps:plan-owner-link", args=[plans["map"].pk, plan.pk])
    )
    assert response.status_code == 200 and "새 링크를 만들었습니다" in response.content.decode()
    gone = Client().get(old)
    assert gone.status_code == 404 and "더 이상 열리지 않습니다" in gone.content.decode()
    Client().post(old, {"status": "done", "result": "끝"})
    plan.refresh_from_db()
    assert (plan.status, plan.result) == ("todo", "")


@pytest.mark.parametrize(
    "data",
    [
        {"status": "done", "result": "", "result_number": "많이"},
        {"status": "finished", "result": ""},
        {"status": "done", "result": "가" * 1001},
        {"text": "   "},
        {"text": "가" * 1001},
    ],
)
def test_bad_owner_input_is_refused_and_changes_nothing(plans, data):
    plan = plans["late"]
    url = owner_url(plans["facilitator"], plan)
    response = Client().post(url, data)
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    plan.refresh_from_db()
    assert (plan.status, plan.result, plan.result_number) == ("todo", "", None)
    assert not PlanNote.objects.exists()


def test_the_owner_writes_only_so_fast(plans, settings):
    settings.WRITES_PER_MINUTE = 2
    url = owner_url(plans["facilitator"], plans["late"])
    owner = Client()
    assert [owner.post(url, {"text": f"메모 {n}"}).status_code for n in range(3)] == [
        302,
        302,
        429,
    ]
    assert PlanNote.objects.count() == 2


def test_plans_are_grouped_as_a_manager_asks(plans):
    groups = PlanGroups.of(ActionPlan.objects.filter(journey_map=plans["map"]), TODAY)
    assert [p.what for p in groups.overdue] == ["채팅 문구 쓰기"]
    assert [p.what for p in groups.undated] == ["효과 측정"]
    assert [p.what for p in groups.done] == ["시범 운영"]
    assert [p.what for p in groups.incomplete] == ["효과 측정"]
    assert [owner for owner, _plans in groups.owners] == ["CS 파트장", "마케팅 팀장", ""]
    # Due today is due this week, whatever weekday today is.
    assert "대상 고객 정하기" in [p.what for p in groups.this_week + groups.later]
    assert "대상 고객 정하기" in [p.what for p in groups.this_week]


def test_the_plans_pages_for_readers_and_the_manager_s_link(plans):
    m = plans["map"]
    page = plans["facilitator"].get(reverse("maps:plans", args=[m.pk])).content.decode()
    assert "기한 지남" in page and "누적 문의 80건" in page and "다른 팀 계획" not in page
    viewer = Client()
    viewer.get(f"/v/m/{m.view_token}/")
    assert "채팅 문구 쓰기" in viewer.get(reverse("maps:plans", args=[m.pk])).content.decode()
    workshop_page = plans["facilitator"].get(
        reverse("workshops:plans", args=[plans["workshop"].pk])
    )
    html = workshop_page.content.decode()
    assert "다른 팀 계획" in html and "채팅 문구 쓰기" in html and "/cal/" in html
    # A map with no plans says what to do.
    from maps.models import JourneyMap

    blank = JourneyMap.objects.create_from_preset(title="빈 지도", preset="blank")
    text = plans["facilitator"].get(reverse("maps:plans", args=[blank.pk])).content.decode()
    assert "아직 실행 계획이 없습니다" in text


def test_the_workshop_calendar_parses_and_its_address_rotates(plans):
    workshop = plans["workshop"]
    plans["facilitator"].get(reverse("workshops:plans", args=[workshop.pk]))
    workshop.refresh_from_db()
    url = reverse("workshops:calendar", args=[workshop.calendar_token])
    feed = Client().get(url)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "채팅 문구 쓰기",
        "대상 고객 정하기",
        "✓ 시범 운영",
        "다른 팀 계획",
    }  # the plan without a date has no day to be on
    assert events["채팅 문구 쓰기"].walk("VALARM") and not events["✓ 시범 운영"].walk("VALARM")
    assert events["대상 고객 정하기"].decoded("DTSTART") == TODAY
    response = plans["facilitator"].post(
        reverse("workshops:control-rotate-calendar", args=[workshop.pk])
    )
    assert response.status_code == 302
    assert Client().get(url).status_code == 404


def test_the_owner_calendar_holds_their_plans_in_the_workshop(plans):
    url = owner_url(plans["facilitator"], plans["late"])
    feed = Client().get(url + "plans.ics")
    calendar = icalendar.Calendar.from_ical(feed.content)
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["다른 팀 계획", "대상 고객 정하기", "채팅 문구 쓰기"]


def test_an_incomplete_plan_is_marked_on_the_board(plans):
    page = plans["facilitator"].get(reverse("maps:board", args=[plans["map"].pk]))
    row = page.content.decode().split(f'id="plan-{plans["loose"].pk}"')[1].split("</tr>")[0]
    assert "담당자 없음" in row and "날짜 없음" in row
    done = page.content.decode().split(f'id="plan-{plans["done"].pk}"')[1].split("</tr>")[0]
    assert "✓ 누적 문의 80건 (80)" in done


def test_results_survive_the_json_round_trip(plans):
    import json

    from maps import importing, portable

    data = portable.dump(plans["map"])
    copy = importing.load(json.loads(json.dumps(data)))
    again = copy.action_plans.get(what="시범 운영")
    assert (again.result, again.result_number, again.status) == ("누적 문의 80건", 80, "done")
    assert portable.dump(copy)["map"] == data["map"]
    data["map"]["stages"][0]["cards"][0]["plans"][0]["result_number"] = "많이"
    with pytest.raises(importing.ImportProblem, match="result_number"):
        importing.load(data)


def test_a_map_is_due_for_review_six_months_on_and_a_review_saves_a_version(
    plans, sent, django_capture_on_commit_callbacks
):
    from maps.models import MapVersion

    m = plans["map"]
    assert m.next_review == timezone.localdate(m.created_at) + datetime.timedelta(days=182)
    assert not m.due_for_review(TODAY)
    m.review_on = TODAY
    m.save()
    listing = plans["facilitator"].get(reverse("maps:list")).content.decode()
    assert "검토 시기" in listing
    board = plans["facilitator"].get(reverse("maps:board", args=[m.pk])).content.decode()
    assert "검토 시기" in board and reverse("maps:review-start", args=[m.pk]) in board
    with django_capture_on_commit_callbacks(execute=True):
        response = plans["facilitator"].post(
            reverse("maps:review-start", args=[m.pk]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200 and "/compare/" in response["HX-Redirect"]
    m.refresh_from_db()
    assert (m.reviewed_on, m.review_on, m.scoring_round) == (TODAY, None, 2)
    assert m.next_review == TODAY + datetime.timedelta(days=182) and not m.due_for_review(TODAY)
    assert MapVersion.objects.get(journey_map=m).label == "검토 전"
    assert len(sent) == 1 and 'id="map-header"' in sent[0]["html"]


def test_only_the_map_s_editors_start_a_review(plans, join):
    m = plans["map"]
    participant = join(plans["workshop"], "팀 A", "참가자")
    response = participant.post(reverse("maps:review-start", args=[m.pk]))
    assert response.status_code == 404
    m.refresh_from_db()
    assert (m.reviewed_on, m.scoring_round) == (None, 1)


def test_reminders_are_sent_once_whatever_runs_them(plans, settings, mailoutbox):
    from django.core.management import call_command

    from maps.models import Reminder

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tomorrow = TODAY + datetime.timedelta(days=1)
    plans["soon"].due_date, plans["soon"].owner_email = tomorrow, "lead@example.com"
    plans["soon"].save()
    plans["late"].owner_email = "lead@example.com"
    plans["late"].save()
    plans["done"].owner_email = "cs@example.com"  # done: nothing to remind
    plans["done"].save()
    call_command("send_reminders")
    call_command("send_reminders")  # run again (or after a restart): nothing more
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects == ["기한 지남: 채팅 문구 쓰기", "내일 마감: 대상 고객 정하기"]
    body = next(m.body for m in mailoutbox if "대상 고객" in m.subject)
    plans["soon"].refresh_from_db()
    assert f"/p/{plans['soon'].owner_token}/" in body
    assert Reminder.objects.count() == 2
    # A new due date is a new reminder.
    plans["soon"].due_date = TODAY + datetime.timedelta(days=1)
    plans["late"].due_date = TODAY - datetime.timedelta(days=3)
    plans["late"].save()
    call_command("send_reminders")
    assert len(mailoutbox) == 3


def test_a_reminder_that_fails_is_tried_again(plans, settings, monkeypatch, mailoutbox):
    from django.core.management import call_command

    from maps.models import Reminder

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plans["late"].owner_email = "lead@example.com"
    plans["late"].save()
    import workshops.management.commands.send_reminders as command

    def refused(*args, **kwargs):
        raise OSError("mail server away")

    monkeypatch.setattr(command, "send_mail", refused)
    call_command("send_reminders")
    assert not Reminder.objects.exists() and not mailoutbox
    monkeypatch.undo()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_reminders")
    assert len(mailoutbox) == 1 and Reminder.objects.count() == 1


def test_the_owner_can_leave_an_address_for_reminders(plans):
    url = owner_url(plans["facilitator"], plans["late"])
    data = {"status": "doing", "result": "", "owner_email": "lead@example.com"}
    assert Client().post(url, data).status_code == 302
    plans["late"].refresh_from_db()
    assert plans["late"].owner_email == "lead@example.com"
    bad = Client().post(url, {**data, "owner_email": "not an address"})
    assert bad.status_code == 422


def test_paper_and_the_spreadsheet_say_what_a_plan_lacks(plans):
    import csv
    import io

    from maps import pdf

    html = pdf.print_html(plans["map"])
    row = html.rsplit("효과 측정", 1)[1].split("</tr>")[0]  # the plans table, last
    assert "담당자 없음" in row and "날짜 없음" in row
    assert "누적 문의 80건 (80)" in html
    sheet = plans["facilitator"].get(reverse("maps:export-csv", args=[plans["map"].pk]))
    rows = {r[0]: r for r in csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")))}
    assert rows["효과 측정"][8] == "담당자, 실행일"
    assert rows["시범 운영"][6:9] == ["누적 문의 80건", "80.00", ""]
