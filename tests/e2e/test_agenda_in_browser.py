"""Any agenda, in three browsers: the facilitator adds, moves and removes steps during the
workshop while a participant's room bar follows, the projector shows the step and a large clock
that says what happens at zero and chimes, and the agenda is saved as a template."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import load_demo
from workshops.models import AgendaTemplate, Workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_agenda_changes_during_the_workshop_and_the_projector_follows(
    daphne, screens, browser, artifacts, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    load_demo()
    workshop = Workshop.objects.get(closed_at=None)
    team = workshop.teams.first()

    host = screens("agenda-console")
    host.goto(f"{daphne.url}/login/")
    host.fill("input[name=username]", "facilitator")
    host.fill("input[name=password]", "journeymap-demo")
    host.click("button.primary")
    host.goto(f"{daphne.url}/workshops/{workshop.pk}/")
    host.on("dialog", lambda dialog: dialog.accept())

    member = screens("agenda-participant")
    member.goto(f"{daphne.url}/j/{workshop.join_token}/")
    member.fill("input[name=display_name]", "김민지")
    member.check(f"input[name=team][value='{team.pk}']")
    member.get_by_role("button", name=re.compile("참여|Join")).click()
    member.wait_for_url(f"{daphne.url}/maps/{team.journey_map_id}/")
    expect(member.locator("#live-status")).to_have_attribute("data-state", "live")

    # The projector, on a 1280 × 720 screen of its own, logged in as the facilitator.
    wall = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ko-KR")
    wall.add_cookies(host.context.cookies())
    projector = wall.new_page()
    errors: list = []
    projector.on("pageerror", lambda exc: errors.append(str(exc)))
    projector.on("console", lambda m: m.type == "error" and errors.append(m.text))
    projector.goto(f"{daphne.url}/workshops/{workshop.pk}/screen/")
    expect(projector.locator("[data-testid=join-code]")).to_have_text(workshop.code_display)
    projector.get_by_role("button", name=re.compile("알림음")).click()
    expect(projector.get_by_role("button", name=re.compile("알림음"))).to_have_attribute(
        "aria-pressed", "true"
    )

    host.locator("form[action$='/control/start/'] button").click()
    expect(member.locator("[data-testid=current-step]")).to_contain_text("4단계 중 1단계")
    expect(projector.locator("[data-testid=projector-step]")).to_have_text("4단계 중 1단계")
    expect(projector.locator(".projector-step")).to_have_text("주제와 페르소나")

    # A step added at the end while step 1 runs: the participant's bar counts it at once.
    add = host.locator("details.step-add")
    add.locator("summary").click()
    add.locator("input[name=new-title]").fill("회고")
    add.locator("input[name=new-minutes]").fill("5")
    add.get_by_label("생각", exact=True).check()
    add.get_by_role("button", name="단계 추가하기").click()
    expect(member.locator("[data-testid=current-step]")).to_contain_text("5단계 중 1단계")
    expect(host.locator("[data-testid=step-5]")).to_contain_text("회고")

    # Moved before "공유", then the running step moved down: it stays the running one.
    host.get_by_role("button", name="회고 앞으로 옮기기").click()
    expect(host.locator("[data-testid=step-4]")).to_contain_text("회고")
    host.get_by_role("button", name="주제와 페르소나 뒤로 옮기기").click()
    expect(member.locator("[data-testid=current-step]")).to_contain_text("5단계 중 2단계")
    expect(member.locator("[data-testid=current-step]")).to_contain_text("주제와 페르소나")
    expect(projector.locator("[data-testid=projector-step]")).to_have_text("5단계 중 2단계")

    # The running step offers no ×; another step is removed after the browser asks.
    running = host.locator("[data-testid=step-2]")
    expect(running.get_by_role("button", name=re.compile("빼기"))).to_have_count(0)
    host.get_by_role("button", name="회고 빼기").click()
    expect(member.locator("[data-testid=current-step]")).to_contain_text("4단계 중 2단계")

    # Nearly out of time: the projector counts to zero, says what happens now, and chimes.
    Workshop.objects.filter(pk=workshop.pk).update(
        clock_ends_at=timezone.now() + datetime.timedelta(seconds=3)
    )
    clock = projector.locator(".projector-clock")
    expect(clock).to_have_class(re.compile(r"\bover\b"), timeout=10_000)
    expect(clock.locator(".clock-over-note")).to_be_visible()
    expect(clock.locator(".clock-over-note")).to_contain_text("시간이 다 됐어요")
    expect(projector.locator("body")).to_have_attribute("data-chimed", "1")
    projector.screenshot(path=str(artifacts / "projector-time-up.png"))
    # The participant's bar says the same once its clock runs out (a fresh bar from a resync).
    member.reload()
    expect(member.locator("#room-bar .clock-over-note")).to_be_visible(timeout=10_000)

    # Everyone in the room is done: the projector shows it and chimes again.
    member.get_by_role("button", name=re.compile("다 했어요")).click()
    expect(projector.locator("[data-testid=projector-ready]")).to_contain_text("1/1")
    expect(projector.locator("body")).to_have_attribute("data-chimed", "2")
    expect(host.locator("#teams[data-all-ready]")).to_have_count(1, timeout=10_000)

    # The console shows her online, and when she is removed her screen says so at once.
    chip = host.locator(f"[data-testid=team-{team.pk}] [data-testid=member]")
    expect(chip).to_have_class(re.compile(r"\bonline\b"))
    expect(host.locator(f"[data-testid=team-{team.pk}] [data-testid=last-activity]")).to_have_text(
        re.compile(r"방금|\d+분 전")
    )
    host.get_by_role("button", name="김민지 내보내기").click()
    expect(member.locator("h1")).to_have_text("이 워크숍에 더 이상 참여하고 있지 않습니다")
    expect(member.get_by_role("alert")).to_contain_text("퍼실리테이터가 이 워크숍에서 내보냈습니다")

    # Saved as a template, the agenda starts the next workshop.
    saving = host.locator("details:has(input[name=template-name])")
    saving.locator("summary").click()
    saving.locator("input[name=template-name]").fill("우리 팀 진행 순서")
    saving.get_by_role("button", name="진행 순서 저장").click()
    expect(host.locator("[data-testid=agenda-saved]")).to_contain_text("우리 팀 진행 순서")
    template = AgendaTemplate.objects.get()
    host.goto(f"{daphne.url}/workshops/")
    host.fill("input[name=title]", "다음 워크숍")
    host.select_option("select[name=agenda]", f"saved:{template.pk}")
    host.get_by_role("button", name=re.compile("워크숍 만들기")).click()
    expect(host.locator("[data-testid=step-2]")).to_contain_text("주제와 페르소나")
    assert list(Workshop.objects.latest("pk").steps.values_list("minutes", flat=True)) == [
        25,
        25,
        20,
        15,
    ]

    wall.close()
    assert not errors, errors
